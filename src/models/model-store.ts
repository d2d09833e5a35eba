import { HearthError, abortError, throwIfAborted } from '../core/errors.ts';
import type { ModelFiles } from '../core/model-files.ts';
import type { LongOperationOptions } from '../core/progress.ts';
import { filesFor, findModel, getModel, HUB_BASE_URL } from './catalog.ts';
import type { CatalogEntry, Dtype, ModelFile, ModelSource } from './catalog-schema.ts';
import { downloadFile, type FileToDownload, type StoredFile } from './download/download-file.ts';
import { readFileMeta } from './storage/file-meta.ts';
import { withFileLock } from './download/file-lock.ts';
import { fetchHubFileInfo } from './download/hub-info.ts';
import { requestPersistence, type PersistenceReport } from './persistence.ts';
import { runPool } from './download/pool.ts';
import { ProgressTracker } from './download/progress-tracker.ts';
import { browserEstimate, checkQuota, type EstimateFn } from './download/quota.ts';
import { resolveUrl } from './http-model-files.ts';
import type { ByteStore } from './storage/byte-store.ts';
import { CacheStore, cacheStorageAvailable } from './storage/cache-store.ts';
import { dataKey, modelKey } from './storage/layout.ts';
import { fileStatuses, listCachedModels, type CachedModel, type FileStatus } from './inventory.ts';
import { storedModelFiles } from './stored-files.ts';
import { OpfsStore, opfsAvailable } from './storage/opfs-store.ts';

export type { CachedModel, FileState, FileStatus } from './inventory.ts';

export interface ModelStoreOptions {
  /** Default: OPFS, else the Cache API. */
  storage?: ByteStore;
  fetch?: typeof fetch;
  /** Reads free space; tests pass a small quota here. Default: navigator.storage.estimate(). */
  estimate?: EstimateFn;
  /** Files downloaded at once. */
  concurrency?: number;
  /** Attempts after a network error, each resuming where the last stopped. */
  retries?: number;
  retryDelayMs?: number;
  /**
   * Read sizes and LFS hashes of unpinned files from the hub's API before downloading. Default: on
   * for the Hugging Face hub, off for other base URLs.
   */
  hubApi?: boolean;
}

/** A model not in the catalog: where it lives and which files it needs. */
export interface ModelRequest {
  id: string;
  source: ModelSource;
  files: ModelFile[];
}

export interface EnsureOptions extends LongOperationOptions {
  dtype?: Dtype;
  /** A mirror serving the hub's layout, instead of the source's base URL. */
  baseUrl?: string;
  concurrency?: number;
  /** Overrides the store's `hubApi` for this call. */
  hubApi?: boolean;
}

export interface DownloadReport {
  modelId: string;
  revision: string;
  storage: ByteStore['kind'];
  files: StoredFile[];
  /** Bytes fetched over the network by this call. */
  fetchedBytes: number;
  persistence: PersistenceReport;
  /** What the quota check saw; `needed` is what was still missing. */
  space: { needed: number; free?: number; quota?: number };
}

/**
 * Downloads models once and keeps them on the device. Works on the main thread and in workers;
 * engines call `ensureDownloaded` (with progress) and then read through `files(...)`.
 */
export class ModelStore {
  readonly storage: ByteStore;
  private readonly fetch: typeof fetch;
  private readonly estimate: EstimateFn;
  private persistence: Promise<PersistenceReport> | undefined;

  constructor(private readonly options: ModelStoreOptions = {}) {
    this.storage = options.storage ?? defaultStorage();
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.estimate = options.estimate ?? browserEstimate;
  }

  async ensureDownloaded(
    model: string | CatalogEntry | ModelRequest,
    options: EnsureOptions = {},
  ): Promise<DownloadReport> {
    throwIfAborted(options.signal);
    const request = toRequest(model, options.dtype);
    const { repo, revision } = request.source;
    const baseUrl = options.baseUrl ?? request.source.baseUrl;
    options.onProgress?.({ phase: 'check', loaded: 0, total: request.files.length });
    const useHubApi = options.hubApi ?? this.options.hubApi ?? baseUrl.replace(/\/+$/, '') === HUB_BASE_URL;
    const hub =
      useHubApi && request.files.some((file) => !file.sha256)
        ? await fetchHubFileInfo(this.fetch, baseUrl, repo, revision, options.signal)
        : undefined;
    const files: FileToDownload[] = request.files.map((file) => ({
      url: resolveUrl(baseUrl, repo, revision, file.path),
      repo,
      revision,
      path: file.path,
      pinnedSize: file.size,
      pinnedSha256: file.sha256,
      hubSize: hub?.get(file.path)?.size,
      hubSha256: hub?.get(file.path)?.sha256,
    }));

    const plan = await Promise.all(
      files.map(async (file, i) => this.planFile(file, request.files[i]!, options.signal)),
    );
    const needed = plan.reduce((sum, p) => sum + Math.max(0, p.total - p.stored), 0);
    const space = needed > 0 ? await checkQuota(request.id, needed, this.estimate) : {};
    const persistence = await (this.persistence ??= requestPersistence());

    const tracker = new ProgressTracker(
      plan.map((p) => ({ path: p.file.path, total: p.total, loaded: p.complete ? p.total : 0 })),
      options.onProgress,
    );
    tracker.start();
    const controller = new AbortController();
    const stop = () => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.signal?.aborted) stop();
    try {
      const stored = await runPool(
        plan,
        options.concurrency ?? this.options.concurrency ?? 3,
        controller,
        (p) =>
          withFileLock(
            `hearth-model:${repo}@${revision}/${p.file.path}`,
            () => this.download(p.file, tracker, controller.signal),
            {
              signal: controller.signal,
              onWait: () => tracker.phase(p.file.path, 'waiting'),
            },
          ),
      );
      tracker.stop();
      tracker.start('done');
      return {
        modelId: request.id,
        revision,
        storage: this.storage.kind,
        files: stored,
        fetchedBytes: stored.reduce((sum, file) => sum + file.fetchedBytes, 0),
        persistence,
        space: { needed, ...space },
      };
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal.reason);
      throw error;
    } finally {
      tracker.stop();
      options.signal?.removeEventListener('abort', stop);
    }
  }

  /** What is stored of each file a model needs, and what each was verified against. */
  status(model: string | CatalogEntry | ModelRequest, dtype?: Dtype): Promise<FileStatus[]> {
    return fileStatuses(this.storage, toRequest(model, dtype));
  }

  /** Every model with bytes in the store, with the size of its complete and unfinished files. */
  list(): Promise<CachedModel[]> {
    return listCachedModels(this.storage);
  }

  /** Deletes one revision of a model, or every revision when none is given. */
  async delete(modelId: string, revision?: string): Promise<void> {
    const key = modelKey(modelId, revision ?? 'any');
    await this.storage.removeTree(revision === undefined ? key.slice(0, 1) : key);
  }

  /** Reads stored files; a file not (completely) downloaded is an error that says so. */
  files(modelId: string, revision = 'main'): ModelFiles {
    return storedModelFiles(this.storage, modelId, revision);
  }

  /**
   * Files of a model read through the store, each downloaded (verified, with the catalog's pins when
   * the model is in the catalog) the first time an engine reads it. For engines that take a
   * `ModelFiles` factory: `filesFor: (source) => store.filesOnDemand(source)`.
   */
  filesOnDemand(
    source: { baseUrl: string; modelId: string; revision?: string },
    options: LongOperationOptions = {},
  ): ModelFiles {
    const revision = source.revision ?? 'main';
    const stored = this.files(source.modelId, revision);
    const entry = findModel(source.modelId);
    const pinned = (path: string): ModelFile =>
      (entry?.source.revision === revision
        ? [...entry.files, ...Object.values(entry.dtypes).flatMap((variant) => variant?.files ?? [])].find(
            (file) => file.path === path,
          )
        : undefined) ?? { path };
    return {
      modelId: source.modelId,
      revision,
      read: async (path, readOptions) => {
        if (!(await stored.has(path))) {
          await this.ensureDownloaded(
            {
              id: source.modelId,
              source: { baseUrl: source.baseUrl, repo: source.modelId, revision },
              files: [pinned(path)],
            },
            { signal: readOptions?.signal ?? options.signal, onProgress: options.onProgress },
          );
        }
        return stored.read(path, readOptions);
      },
      has: async (path) => {
        if (await stored.has(path)) return true;
        const url = resolveUrl(source.baseUrl, source.modelId, revision, path);
        return (await this.fetch(url, { method: 'HEAD' }).catch(() => undefined))?.ok ?? false;
      },
    };
  }

  private async planFile(file: FileToDownload, entry: ModelFile, signal: AbortSignal | undefined) {
    const meta = await readFileMeta(this.storage, file);
    const stored = (await this.storage.size(dataKey(file.repo, file.revision, file.path))) ?? 0;
    if (meta?.state === 'complete' && stored === meta.size) {
      return { file, total: meta.size, stored, complete: true };
    }
    const known = file.pinnedSize ?? file.hubSize ?? (meta?.state === 'partial' ? meta.total : undefined);
    const total = known ?? (await this.remoteSize(file, signal)) ?? entry.approxSize ?? 0;
    return { file, total, stored, complete: false };
  }

  /** The size the server reports for a file (the hub: `X-Linked-Size` for LFS files). */
  private async remoteSize(
    file: FileToDownload,
    signal: AbortSignal | undefined,
  ): Promise<number | undefined> {
    try {
      const response = await this.fetch(file.url, { method: 'HEAD', signal: signal ?? null });
      if (!response.ok) return undefined;
      const size = response.headers.get('X-Linked-Size') ?? response.headers.get('Content-Length');
      return size === null ? undefined : Number(size);
    } catch {
      if (signal?.aborted) throw abortError(signal.reason);
      return undefined;
    }
  }

  private download(file: FileToDownload, tracker: ProgressTracker, signal: AbortSignal): Promise<StoredFile> {
    return downloadFile(file, {
      store: this.storage,
      fetch: this.fetch,
      signal,
      retries: this.options.retries ?? 3,
      retryDelayMs: this.options.retryDelayMs ?? 300,
      onBytes: (loaded, total) => {
        if (total !== undefined) tracker.setTotal(file.path, total);
        tracker.update(file.path, loaded);
      },
      onPhase: (phase) => tracker.phase(file.path, phase),
    });
  }
}

function toRequest(model: string | CatalogEntry | ModelRequest, dtype: Dtype | undefined): ModelRequest {
  const entry = typeof model === 'string' ? getModel(model) : model;
  if (isCatalogEntry(entry)) return { id: entry.id, source: entry.source, files: filesFor(entry, dtype) };
  return entry;
}

function isCatalogEntry(model: CatalogEntry | ModelRequest): model is CatalogEntry {
  return 'kind' in model && 'dtypes' in model;
}

function defaultStorage(): ByteStore {
  if (opfsAvailable()) return new OpfsStore();
  if (cacheStorageAvailable()) return new CacheStore();
  throw new HearthError(
    'STORAGE_UNAVAILABLE',
    'This browser offers neither the origin private file system nor the Cache API, so models cannot be kept. Use a current Chrome, Edge, Firefox or Safari over HTTPS (or localhost).',
  );
}
