import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isHearthError, type HearthError } from '../../../src/core/errors.ts';
import type { Progress } from '../../../src/core/progress.ts';
import { ModelStore, type ModelRequest } from '../../../src/models/model-store.ts';
import { MemoryStore } from '../../../src/models/storage/memory-store.ts';
import { sha256Hex, startModelServer, testBytes, type ModelServer } from '../../e2e/support/model-server.ts';

// The download manager against a real HTTP server, in Node, with the in-memory byte store.
const repo = 'test-org/blob-model';
const big = testBytes(1_000_000, 7);
const small = new TextEncoder().encode('{"hidden_size": 8}');
let server: ModelServer;

const request = (pins: { sha256?: boolean; size?: boolean } = {}): ModelRequest => ({
  id: repo,
  source: { baseUrl: server.url, repo, revision: 'main' },
  files: [
    { path: 'config.json' },
    {
      path: 'onnx/model.onnx',
      ...(pins.sha256 ? { sha256: sha256Hex(big) } : {}),
      ...(pins.size ? { size: big.length } : {}),
    },
  ],
});

const newStore = (options: ConstructorParameters<typeof ModelStore>[0] = {}) =>
  new ModelStore({ storage: new MemoryStore(), retryDelayMs: 1, ...options });

async function rejection(promise: Promise<unknown>): Promise<HearthError> {
  try {
    await promise;
  } catch (error) {
    return error as HearthError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  server = await startModelServer();
  server.addFile(repo, 'main', 'config.json', small);
  server.addFile(repo, 'main', 'onnx/model.onnx', big);
});
afterAll(() => server.close());
beforeEach(() => {
  server.configure(repo, 'main', 'onnx/model.onnx', {});
  server.resetCounts();
});

describe('ModelStore downloads', () => {
  it('streams every file with progress and reads the same bytes back', async () => {
    const store = newStore();
    const events: Progress[] = [];
    const report = await store.ensureDownloaded(request({ sha256: true }), {
      onProgress: (p) => events.push(p),
    });
    expect(report.fetchedBytes).toBe(big.length + small.length);
    expect(report.files.map((f) => [f.path, f.hashSource])).toEqual([
      ['config.json', 'first-download'],
      ['onnx/model.onnx', 'catalog'],
    ]);
    const files = store.files(repo, 'main');
    expect(sha256Hex(await files.read('onnx/model.onnx'))).toBe(sha256Hex(big));
    expect(await files.read('config.json')).toEqual(small);
    const fileEvents = events.filter((e) => e.file === 'onnx/model.onnx' && e.phase === 'download');
    expect(fileEvents.length).toBeGreaterThan(1);
    expect(fileEvents.at(-1)).toMatchObject({ loaded: big.length, total: big.length });
    expect(events.at(-1)).toEqual({
      phase: 'done',
      loaded: big.length + small.length,
      total: big.length + small.length,
    });
  });

  it('does not fetch again what is stored', async () => {
    const store = newStore();
    await store.ensureDownloaded(request());
    server.resetCounts();
    const again = await store.ensureDownloaded(request());
    expect(again.fetchedBytes).toBe(0);
    expect(server.requests({ path: 'onnx/model.onnx', method: 'GET' })).toHaveLength(0);
  });

  it('resumes a download cut half way with a Range request, without fetching the first half again', async () => {
    server.configure(repo, 'main', 'onnx/model.onnx', { cutAfter: big.length / 2, chunkBytes: 50_000 });
    const store = newStore();
    const report = await store.ensureDownloaded(request({ sha256: true }));
    const gets = server.requests({ path: 'onnx/model.onnx', method: 'GET' });
    expect(gets.map((r) => r.status)).toEqual([200, 206]);
    expect(gets[1]!.range).toBe(`bytes=${big.length / 2}-`);
    expect(server.bytesServed('onnx/model.onnx')).toBe(big.length);
    expect(report.files[1]).toMatchObject({ sha256: sha256Hex(big), hashSource: 'catalog' });
    expect(sha256Hex(await store.files(repo).read('onnx/model.onnx'))).toBe(sha256Hex(big));
  });

  it('keeps the received bytes when retries run out, and the next call resumes from them', async () => {
    server.configure(repo, 'main', 'onnx/model.onnx', { cutAfter: 300_000, chunkBytes: 50_000 });
    const store = newStore({ retries: 0 });
    const error = await rejection(store.ensureDownloaded(request()));
    expect(error.code).toBe('MODEL_DOWNLOAD_FAILED');
    expect(error.message).toMatch(/run the download again to resume/);
    expect((await store.status(request()))[1]).toMatchObject({ state: 'partial', storedBytes: 300_000 });
    server.resetCounts();
    const report = await store.ensureDownloaded(request());
    expect(report.files[1]).toMatchObject({ resumedFrom: 300_000, fetchedBytes: big.length - 300_000 });
    expect(server.requests({ path: 'onnx/model.onnx', method: 'GET' })[0]!.range).toBe('bytes=300000-');
    expect(sha256Hex(await store.files(repo).read('onnx/model.onnx'))).toBe(sha256Hex(big));
  });

  it('rejects a corrupted file, deletes it and says which hash it failed', async () => {
    server.configure(repo, 'main', 'onnx/model.onnx', { corrupt: true });
    const store = newStore();
    const error = await rejection(store.ensureDownloaded(request({ sha256: true })));
    expect(error.code).toBe('MODEL_FILE_CORRUPT');
    expect(error.message).toContain("the catalog's pinned hash");
    expect(error.message).toContain('deleted');
    expect((await store.status(request()))[1]).toMatchObject({ state: 'missing', storedBytes: 0 });
    await expect(store.files(repo).read('onnx/model.onnx')).rejects.toMatchObject({
      code: 'MODEL_FILE_MISSING',
    });
  });

  it("verifies against the hub's X-Linked-Etag when the catalog pins nothing", async () => {
    server.configure(repo, 'main', 'onnx/model.onnx', { linkedEtag: true });
    const report = await newStore().ensureDownloaded(request());
    expect(report.files[1]!.hashSource).toBe('hub-etag');

    server.configure(repo, 'main', 'onnx/model.onnx', { linkedEtag: true, corrupt: true });
    const error = await rejection(newStore().ensureDownloaded(request()));
    expect(error.code).toBe('MODEL_FILE_CORRUPT');
    expect(error.message).toContain('X-Linked-Etag');
  });

  it("uses the hub API's LFS hash and size when the resolve response carries no X-Linked-Etag", async () => {
    const store = newStore({ hubApi: true });
    const report = await store.ensureDownloaded(request());
    expect(report.files.map((f) => f.hashSource)).toEqual(['first-download', 'hub-etag']);
    // The API gave every size: no HEAD request was needed for the quota check.
    expect(server.requests({ method: 'HEAD' })).toHaveLength(0);
    expect(server.requests({ path: '/revision/main', method: 'GET' })).toHaveLength(1);
    server.configure(repo, 'main', 'onnx/model.onnx', { corrupt: true });
    const error = await rejection(newStore({ hubApi: true }).ensureDownloaded(request()));
    expect(error.code).toBe('MODEL_FILE_CORRUPT');
    expect(error.message).toContain('hub API');
  });

  it('refuses before downloading when the hub reports another file than the pin', async () => {
    server.configure(repo, 'main', 'onnx/model.onnx', {
      linkedEtag: 'f'.repeat(64),
      chunkBytes: 50_000,
      chunkDelayMs: 20,
    });
    const error = await rejection(newStore().ensureDownloaded(request({ sha256: true })));
    expect(error.code).toBe('MODEL_FILE_CHANGED');
    expect(server.bytesServed('onnx/model.onnx')).toBeLessThan(big.length);
  });

  it('records the hash at first download and checks a later download against it', async () => {
    const store = newStore();
    await store.ensureDownloaded(request());
    const status = await store.status(request());
    expect(status[1]).toMatchObject({ state: 'complete', hashSource: 'first-download' });
    expect(status[1]!.verification).toMatch(/recorded at its first download/);
    await store.delete(repo, 'main');
    expect(await store.list()).toEqual([]);
    server.configure(repo, 'main', 'onnx/model.onnx', { corrupt: true });
    const error = await rejection(store.ensureDownloaded(request()));
    expect(error.code).toBe('MODEL_FILE_CORRUPT');
    expect(error.message).toContain('recorded at its first download');
  });

  it('refuses a download larger than the free space, saying how much is needed and free', async () => {
    const store = newStore({ estimate: async () => ({ quota: 600_000, usage: 100_000 }) });
    const error = await rejection(store.ensureDownloaded(request()));
    expect(error.code).toBe('STORAGE_QUOTA');
    expect(error.message).toContain(`needs 1.00 MB`);
    expect(error.message).toContain('only 500.0 kB free');
    expect(error.details).toMatchObject({ needed: big.length + small.length, free: 500_000 });
    expect(server.requests({ path: 'onnx/model.onnx', method: 'GET' })).toHaveLength(0);
  });

  it('stops when cancelled and keeps what arrived', async () => {
    server.configure(repo, 'main', 'onnx/model.onnx', { chunkBytes: 50_000, chunkDelayMs: 20 });
    const store = newStore();
    const controller = new AbortController();
    const error = await rejection(
      store.ensureDownloaded(request(), {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.file === 'onnx/model.onnx' && p.loaded >= 200_000) controller.abort('user pressed stop');
        },
      }),
    );
    expect(isHearthError(error, 'ABORTED')).toBe(true);
    const partial = (await store.status(request()))[1]!;
    expect(partial.state).toBe('partial');
    expect(partial.storedBytes).toBeGreaterThanOrEqual(200_000);
  });

  it('lists cached models with sizes and deletes one', async () => {
    const store = newStore();
    await store.ensureDownloaded(request());
    expect(await store.list()).toEqual([
      {
        modelId: repo,
        revision: 'main',
        size: big.length + small.length,
        partialBytes: 0,
        files: expect.arrayContaining([{ path: 'onnx/model.onnx', size: big.length, state: 'complete' }]),
      },
    ]);
    await store.delete(repo);
    expect(await store.list()).toEqual([]);
    expect(await store.files(repo).has('config.json')).toBe(false);
  });

  it('runs one download of a file at a time in this process (two callers, one fetch)', async () => {
    server.configure(repo, 'main', 'onnx/model.onnx', { chunkBytes: 100_000, chunkDelayMs: 5 });
    const store = newStore();
    const waits: Progress[] = [];
    const [first, second] = await Promise.all([
      store.ensureDownloaded(request()),
      store.ensureDownloaded(request(), { onProgress: (p) => p.phase === 'waiting' && waits.push(p) }),
    ]);
    expect(server.requests({ path: 'onnx/model.onnx', method: 'GET' })).toHaveLength(1);
    expect(first.fetchedBytes + second.fetchedBytes).toBe(big.length + small.length);
    expect(waits.length).toBeGreaterThan(0);
  });
});

describe('ModelStore concurrency', () => {
  it('downloads at most `concurrency` files at once', async () => {
    const many = 'test-org/many-files';
    const files = Array.from({ length: 6 }, (_, i) => ({
      path: `shard-${i}.bin`,
      bytes: testBytes(200_000, i + 1),
    }));
    for (const file of files) {
      server.addFile(many, 'main', file.path, file.bytes);
      server.configure(many, 'main', file.path, { chunkBytes: 50_000, chunkDelayMs: 10 });
    }
    const store = newStore({ concurrency: 2 });
    const report = await store.ensureDownloaded({
      id: many,
      source: { baseUrl: server.url, repo: many, revision: 'main' },
      files: files.map((file) => ({ path: file.path, sha256: sha256Hex(file.bytes) })),
    });
    expect(report.files.every((file) => file.hashSource === 'catalog')).toBe(true);
    expect(server.maxConcurrentGets()).toBe(2);
  });
});

describe('ModelStore.filesOnDemand', () => {
  it('downloads a file the first time an engine reads it, then reads it from the store', async () => {
    const store = newStore();
    const files = store.filesOnDemand({ baseUrl: server.url, modelId: repo });
    expect(await files.has('onnx/model.onnx')).toBe(true);
    expect(await files.has('missing.json')).toBe(false);
    expect(sha256Hex(await files.read('onnx/model.onnx'))).toBe(sha256Hex(big));
    expect(sha256Hex(await files.read('onnx/model.onnx'))).toBe(sha256Hex(big));
    expect(server.requests({ path: 'onnx/model.onnx', method: 'GET' })).toHaveLength(1);
    expect(await store.files(repo).has('config.json')).toBe(false);
    await expect(files.read('missing.json')).rejects.toMatchObject({ code: 'MODEL_DOWNLOAD_FAILED' });
  });
});
