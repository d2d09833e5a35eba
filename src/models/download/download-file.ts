import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HearthError, abortError, throwIfAborted, toHearthError } from '../../core/errors.ts';
import { readText, writeText, type ByteStore } from '../storage/byte-store.ts';
import { readFileMeta } from '../storage/file-meta.ts';
import { dataKey, ledgerKey, metaKey, type CompleteMeta, type FileMeta } from '../storage/layout.ts';
import { chooseExpectedHash, type ExpectedHash, type HashSource } from './hash-source.ts';

export interface FileToDownload {
  url: string;
  repo: string;
  revision: string;
  path: string;
  pinnedSize?: number | undefined;
  pinnedSha256?: string | undefined;
  /** From the hub's API: used when the response hides `X-Linked-Etag` (a redirect to the CDN). */
  hubSize?: number | undefined;
  hubSha256?: string | undefined;
}

export interface DownloadContext {
  store: ByteStore;
  fetch: typeof fetch;
  signal?: AbortSignal | undefined;
  /** Attempts after a network error, each resuming from the bytes already stored. */
  retries: number;
  retryDelayMs: number;
  /** Bytes of this file stored so far (a resumed prefix included) and its size when known. */
  onBytes(loaded: number, total: number | undefined): void;
  onPhase(phase: 'verify-prefix' | 'download' | 'verify'): void;
}

export interface StoredFile {
  path: string;
  size: number;
  sha256: string;
  hashSource: HashSource;
  /** Bytes fetched by this call (0 when the file was already stored). */
  fetchedBytes: number;
  /** Where this call's download started: more than 0 when a stored prefix was kept. */
  resumedFrom: number;
}

const CHECKPOINT_BYTES = 4 * 1024 * 1024;

/**
 * Brings one file into the store: streamed, hashed while it arrives, resumed with an HTTP Range
 * request from the bytes already stored (after a network error here, or a closed tab earlier).
 * The stored prefix is re-hashed from storage, not fetched again. A hash mismatch deletes the file.
 */
export async function downloadFile(file: FileToDownload, ctx: DownloadContext): Promise<StoredFile> {
  const data = dataKey(file.repo, file.revision, file.path);
  const meta = await readFileMeta(ctx.store, file);
  if (meta?.state === 'complete' && (await ctx.store.size(data)) === meta.size) {
    ctx.onBytes(meta.size, meta.size);
    return { path: file.path, ...pick(meta), fetchedBytes: 0, resumedFrom: meta.size };
  }
  let resume: Resume = { offset: 0 };
  if (meta?.state === 'partial') {
    const offset = (await ctx.store.size(data)) ?? 0;
    // A prefix is kept only when the server can confirm it is the same file (If-Range) or a hash will.
    if (meta.validator || meta.sha256 || file.pinnedSha256) resume = { ...meta, offset };
  }
  const firstOffset = resume.offset;
  let fetchedBytes = 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const result = await attemptDownload(file, ctx, resume, (n) => (fetchedBytes += n));
      return { ...result, fetchedBytes, resumedFrom: firstOffset };
    } catch (error) {
      if (ctx.signal?.aborted) throw abortError(ctx.signal.reason);
      if (!isRetryable(error) || attempt >= ctx.retries) throw downloadError(file, error);
      const stored = await readFileMeta(ctx.store, file);
      resume =
        stored?.state === 'partial'
          ? { ...stored, offset: (await ctx.store.size(data)) ?? 0 }
          : { offset: 0 };
      await sleep(ctx.retryDelayMs * 2 ** attempt, ctx.signal);
    }
  }
}

interface Resume {
  offset: number;
  validator?: string | undefined;
  sha256?: string | undefined;
}

async function attemptDownload(
  file: FileToDownload,
  ctx: DownloadContext,
  resume: Resume,
  countFetched: (bytes: number) => void,
): Promise<Omit<StoredFile, 'fetchedBytes' | 'resumedFrom'>> {
  throwIfAborted(ctx.signal);
  const keys = {
    data: dataKey(file.repo, file.revision, file.path),
    meta: metaKey(file.repo, file.revision, file.path),
    ledger: ledgerKey(file.repo, file.revision, file.path),
  };
  let offset = resume.offset;
  const headers: Record<string, string> = {};
  if (offset > 0) {
    headers.Range = `bytes=${offset}-`;
    if (resume.validator) headers['If-Range'] = resume.validator;
  }
  const response = await ctx.fetch(file.url, { headers, signal: ctx.signal ?? null, cache: 'no-store' });
  const range = parseContentRange(response.headers.get('Content-Range'));
  if (response.status === 416 && range?.total !== offset) {
    await response.body?.cancel();
    return attemptDownload(file, ctx, { offset: 0 }, countFetched);
  }
  if (response.status === 206 && range?.start !== offset) {
    await response.body?.cancel();
    return attemptDownload(file, ctx, { offset: 0 }, countFetched);
  }
  if (!response.ok && response.status !== 416) {
    await response.body?.cancel();
    throw new HearthError(
      'MODEL_DOWNLOAD_FAILED',
      `${file.repo}: ${file.path} could not be downloaded (HTTP ${response.status}). Check the model id, revision and mirror URL.`,
      { details: { status: response.status, retryable: response.status >= 500 || response.status === 429 } },
    );
  }
  // 200 to a range request: the server ignored the range or the file changed (If-Range): start over.
  if (response.status === 200) offset = 0;

  const recorded = await readText(ctx.store, keys.ledger);
  const choice = chooseExpectedHash({
    pinned: file.pinnedSha256,
    linkedEtag: response.headers.get('X-Linked-Etag') ?? file.hubSha256,
    recorded,
  });
  if (choice.conflict) {
    await response.body?.cancel();
    throw new HearthError(
      'MODEL_FILE_CHANGED',
      `${file.repo}: the server's ${file.path} (SHA-256 ${choice.conflict.linkedEtag}) is not the file the catalog pins (${choice.conflict.pinned}). The upstream file changed; update the catalog pin or use a mirror with the pinned revision.`,
    );
  }
  const expected = choice.expected;
  if (offset > 0 && resume.sha256 && expected && resume.sha256 !== expected.sha256) {
    // The stored prefix belongs to another version of the file.
    await response.body?.cancel();
    return attemptDownload(file, ctx, { offset: 0 }, countFetched);
  }
  const total =
    range?.total ??
    (response.headers.has('Content-Length')
      ? offset + Number(response.headers.get('Content-Length'))
      : undefined);
  if (file.pinnedSize !== undefined && total !== undefined && total !== file.pinnedSize) {
    await response.body?.cancel();
    throw new HearthError(
      'MODEL_FILE_CHANGED',
      `${file.repo}: the server's ${file.path} is ${total} bytes, the catalog pins ${file.pinnedSize}. The upstream file changed or the mirror serves another version.`,
    );
  }

  const hasher = sha256.create();
  if (offset > 0) {
    ctx.onPhase('verify-prefix');
    await hashStored(ctx.store, keys.data, offset, hasher, ctx.signal);
  }
  const partial: FileMeta = {
    state: 'partial',
    total,
    validator: validatorOf(response.headers),
    sha256: expected?.sha256,
  };
  await writeText(ctx.store, keys.meta, JSON.stringify(partial));

  ctx.onPhase('download');
  let loaded = offset;
  ctx.onBytes(loaded, total);
  if (response.status !== 416) {
    const appender = await ctx.store.append(keys.data, { truncate: offset === 0 });
    try {
      const reader = response.body!.getReader();
      let sinceCheckpoint = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        hasher.update(value);
        await appender.write(value);
        loaded += value.byteLength;
        sinceCheckpoint += value.byteLength;
        countFetched(value.byteLength);
        ctx.onBytes(loaded, total);
        if (sinceCheckpoint >= CHECKPOINT_BYTES) {
          sinceCheckpoint = 0;
          await appender.checkpoint();
        }
      }
    } finally {
      // Whatever arrived stays stored: the next attempt, or the next visit, resumes after it.
      await appender.close();
    }
  }
  if (total !== undefined && loaded !== total) {
    throw new HearthError('MODEL_DOWNLOAD_FAILED', `${file.path}: the connection ended early.`, {
      details: { retryable: true },
    });
  }

  ctx.onPhase('verify');
  const digest = bytesToHex(hasher.digest());
  if (expected && digest !== expected.sha256) {
    await ctx.store.remove(keys.data);
    await ctx.store.remove(keys.meta);
    throw corruptError(file, expected, digest);
  }
  if (recorded === undefined) await writeText(ctx.store, keys.ledger, digest);
  const complete: CompleteMeta = {
    state: 'complete',
    size: loaded,
    sha256: digest,
    hashSource: expected?.source ?? 'first-download',
    storedAt: new Date().toISOString(),
  };
  await writeText(ctx.store, keys.meta, JSON.stringify(complete));
  return { path: file.path, ...pick(complete) };
}

function corruptError(file: FileToDownload, expected: ExpectedHash, actual: string): HearthError {
  const from = {
    catalog: "the catalog's pinned hash",
    'hub-etag': "the hub's LFS hash (X-Linked-Etag or the hub API)",
    'first-download': 'the hash recorded at its first download',
  }[expected.source];
  return new HearthError(
    'MODEL_FILE_CORRUPT',
    `${file.repo}: ${file.path} failed verification: its SHA-256 is ${actual} but ${from} is ${expected.sha256}. The damaged file was deleted; download the model again, and if this repeats, the server or mirror is serving a different file.`,
    { details: { path: file.path, expected: expected.sha256, actual, hashSource: expected.source } },
  );
}

function downloadError(file: FileToDownload, error: unknown): HearthError {
  if (error instanceof HearthError) return error;
  const cause = toHearthError(error);
  return new HearthError(
    'MODEL_DOWNLOAD_FAILED',
    `${file.repo}: ${file.path} could not be downloaded (${cause.message}). The bytes received are kept: run the download again to resume.`,
    { cause: error },
  );
}

function isRetryable(error: unknown): boolean {
  if (error instanceof HearthError) {
    const details = error.details as { retryable?: boolean } | undefined;
    return details?.retryable === true;
  }
  // fetch() and body reads fail with TypeError on network errors (browsers: "network error"; Node: "terminated").
  return error instanceof TypeError;
}

async function hashStored(
  store: ByteStore,
  key: readonly string[],
  end: number,
  hasher: ReturnType<typeof sha256.create>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const stream = await store.stream(key, end);
  if (!stream) throw new HearthError('INTERNAL', 'the stored prefix vanished while resuming');
  const reader = stream.getReader();
  for (;;) {
    throwIfAborted(signal);
    const { done, value } = await reader.read();
    if (done) return;
    hasher.update(value);
  }
}

/** A validator the server will honour in If-Range: a strong ETag, else Last-Modified. */
function validatorOf(headers: Headers): string | undefined {
  const etag = headers.get('ETag');
  if (etag && !etag.startsWith('W/')) return etag;
  return headers.get('Last-Modified') ?? undefined;
}

export function parseContentRange(
  value: string | null,
): { start: number | undefined; total: number | undefined } | undefined {
  if (!value) return undefined;
  const match = /^bytes (?:(\d+)-\d+|\*)\/(\d+|\*)$/.exec(value.trim());
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[2] === '*' || match[2] === undefined ? undefined : Number(match[2]),
  };
}

function pick(meta: CompleteMeta) {
  return { size: meta.size, sha256: meta.sha256, hashSource: meta.hashSource };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(abortError(signal.reason));
      },
      { once: true },
    );
  });
}
