import { expect, test, type Page } from '@playwright/test';
import type { CachedModel, FileStatus, ModelRequest } from '../../src/models/model-store.ts';
import demoPins from '../../src/models/demo-pins.json' with { type: 'json' };
import { openHarness } from './harness.ts';
import type { EnsureCall, EnsureOutcome, StorageKind } from './pages/models-service.ts';
import { sha256Hex, startModelServer, testBytes, type ModelServer } from './support/model-server.ts';

type Where = 'page' | 'worker';
declare const harness: {
  live: { files: Record<string, { phase: string; loaded: number; total: number }> };
  ensure(where: Where, call: EnsureCall): Promise<EnsureOutcome>;
  start(where: Where, call: EnsureCall): void;
  status(where: Where, model: string | ModelRequest, storage?: StorageKind): Promise<FileStatus[]>;
  list(where: Where, storage?: StorageKind): Promise<CachedModel[]>;
  remove(where: Where, modelId: string, storage?: StorageKind): Promise<void>;
  readSha256(where: Where, modelId: string, path: string, storage?: StorageKind): Promise<string>;
  estimate(): Promise<{ quota?: number; usage?: number }>;
};

const repo = 'test-org/blob-model';
const MODEL = 'onnx/model.onnx';
const big = testBytes(3_000_000, 11);
const config = new TextEncoder().encode('{"hidden_size": 8}');
let server: ModelServer;

const request = (pins: { sha256?: boolean; size?: number } = {}): ModelRequest => ({
  id: repo,
  source: { baseUrl: server.url, repo, revision: 'main' },
  files: [
    { path: 'config.json' },
    {
      path: MODEL,
      ...(pins.sha256 ? { sha256: sha256Hex(big) } : {}),
      ...(pins.size ? { size: pins.size } : {}),
    },
  ],
});

const ensure = (page: Page, where: Where, call: EnsureCall) =>
  page.evaluate(([w, c]) => harness.ensure(w, c), [where, call] as const);
const readSha = (page: Page, where: Where, id: string, path: string, storage?: StorageKind) =>
  page.evaluate(([w, i, p, s]) => harness.readSha256(w, i, p, s), [where, id, path, storage] as const);
const modelGets = () => server.requests({ path: MODEL, method: 'GET' });

test.beforeAll(async () => {
  server = await startModelServer();
  server.addFile(repo, 'main', 'config.json', config);
  server.addFile(repo, 'main', MODEL, big);
});
test.afterAll(() => server.close());
test.beforeEach(async ({ page }) => {
  server.configure(repo, 'main', MODEL, {});
  server.resetCounts();
  await openHarness(page, 'models');
});

for (const where of ['worker', 'page'] as const) {
  test(`${where}: a download streams into OPFS with progress events per file and overall`, async ({
    page,
  }) => {
    const outcome = await ensure(page, where, { model: request({ sha256: true }) });
    expect(outcome.error).toBeUndefined();
    expect(outcome.report).toMatchObject({ storage: 'opfs', fetchedBytes: big.length + config.length });
    const fileEvents = outcome.events.filter((e) => e.file === MODEL && e.phase === 'download');
    expect(fileEvents.length).toBeGreaterThan(1);
    expect(fileEvents.at(-1)).toEqual({
      phase: 'download',
      file: MODEL,
      loaded: big.length,
      total: big.length,
    });
    const overall = outcome.events.filter((e) => e.file === undefined);
    expect(overall.at(-1)).toEqual({
      phase: 'done',
      loaded: big.length + config.length,
      total: big.length + config.length,
    });
    expect(await readSha(page, where, repo, MODEL)).toBe(sha256Hex(big));
  });

  test(`${where}: a download cut half way resumes with a Range request, not re-fetching the first half`, async ({
    page,
  }) => {
    server.configure(repo, 'main', MODEL, { cutAfter: big.length / 2, chunkBytes: 100_000 });
    const outcome = await ensure(page, where, { model: request({ sha256: true }) });
    expect(outcome.error).toBeUndefined();
    const gets = modelGets();
    expect(gets.map((r) => r.status)).toEqual([200, 206]);
    expect(gets[1]!.range).toBe(`bytes=${big.length / 2}-`);
    expect(server.bytesServed(MODEL)).toBe(big.length);
    expect(outcome.report?.files[1]).toMatchObject({ hashSource: 'catalog', fetchedBytes: big.length });
    expect(await readSha(page, where, repo, MODEL)).toBe(sha256Hex(big));
  });
}

test('a closed tab resumes where it stopped: the next visit fetches only the rest', async ({
  context,
  page,
}) => {
  // The server sends the first half, then stalls; the tab is closed mid-download.
  server.configure(repo, 'main', MODEL, { stallAfter: big.length / 2, chunkBytes: 100_000 });
  await page.evaluate((call) => harness.start('worker', call), { model: request({ sha256: true }) });
  await page.waitForFunction(
    (half) => (harness.live.files['onnx/model.onnx']?.loaded ?? 0) >= half,
    big.length / 2,
  );
  await page.close();
  server.configure(repo, 'main', MODEL, {});

  const next = await context.newPage();
  await openHarness(next, 'models');
  const outcome = await ensure(next, 'worker', { model: request({ sha256: true }) });
  expect(outcome.error).toBeUndefined();
  // Sync access handles wrote every byte in place, so nothing the first tab received is fetched again.
  const gets = modelGets();
  expect(gets.map((r) => [r.range, r.bytesSent])).toEqual([
    [undefined, big.length / 2],
    [`bytes=${big.length / 2}-`, big.length / 2],
  ]);
  expect(outcome.report?.files[1]).toMatchObject({ resumedFrom: big.length / 2, hashSource: 'catalog' });
  expect(await readSha(next, 'worker', repo, MODEL)).toBe(sha256Hex(big));
});

test('a corrupted file is rejected with a clear error and deleted', async ({ page }) => {
  server.configure(repo, 'main', MODEL, { corrupt: true });
  const outcome = await ensure(page, 'worker', { model: request({ sha256: true }) });
  expect(outcome.error?.code).toBe('MODEL_FILE_CORRUPT');
  expect(outcome.error?.message).toMatch(/failed verification.*catalog's pinned hash.*deleted/);
  const status = await page.evaluate((model) => harness.status('worker', model), request());
  expect(status.find((s) => s.path === MODEL)).toMatchObject({ state: 'missing', storedBytes: 0 });
  expect(await readSha(page, 'worker', repo, MODEL)).toBe('MODEL_FILE_MISSING');
});

test("the hub's X-Linked-Etag verifies a file the catalog does not pin, and the status says so", async ({
  page,
}) => {
  server.configure(repo, 'main', MODEL, { linkedEtag: true });
  const outcome = await ensure(page, 'worker', { model: request() });
  expect(outcome.report?.files.map((f) => f.hashSource)).toEqual(['first-download', 'hub-etag']);
  const status = await page.evaluate((model) => harness.status('worker', model), request());
  expect(status.map((s) => s.verification)).toEqual([
    'no published hash: checked against the SHA-256 recorded at its first download',
    "verified against the hub's LFS SHA-256 (X-Linked-Etag or the hub API)",
  ]);
});

test("in the browser, the hub API's LFS hash verifies files whose resolve response hides X-Linked-Etag", async ({
  page,
}) => {
  server.configure(repo, 'main', MODEL, { corrupt: true });
  const outcome = await ensure(page, 'worker', { model: request(), hubApi: true });
  expect(outcome.error?.code).toBe('MODEL_FILE_CORRUPT');
  expect(outcome.error?.message).toContain('hub API');
  server.configure(repo, 'main', MODEL, {});
  const fixed = await ensure(page, 'worker', { model: request(), hubApi: true });
  expect(fixed.report?.files.map((f) => f.hashSource)).toEqual(['first-download', 'hub-etag']);
});

test('a download larger than the free space is refused before any byte moves', async ({ page }) => {
  const outcome = await ensure(page, 'worker', {
    model: request(),
    estimate: { quota: 2_000_000, usage: 500_000 },
  });
  expect(outcome.error?.code).toBe('STORAGE_QUOTA');
  expect(outcome.error?.message).toContain('needs 3.00 MB of storage but this site has only 1.50 MB free');
  expect(modelGets()).toHaveLength(0);
});

test("the real storage estimate is checked: a model bigger than the browser's quota is refused", async ({
  page,
}) => {
  const { quota } = await page.evaluate(() => harness.estimate());
  expect(quota).toBeGreaterThan(0);
  const huge = 10 * quota!;
  const outcome = await ensure(page, 'worker', { model: request({ size: huge }) });
  expect(outcome.error?.code).toBe('STORAGE_QUOTA');
  expect((outcome.error?.details as { quota: number }).quota).toBe(quota);
  expect((outcome.error?.details as { needed: number }).needed).toBeGreaterThanOrEqual(huge);
  expect(modelGets()).toHaveLength(0);
});

test('an AbortSignal stops a download; the bytes received stay for later', async ({ page }) => {
  server.configure(repo, 'main', MODEL, { chunkBytes: 100_000, chunkDelayMs: 30 });
  const outcome = await ensure(page, 'worker', { model: request(), abortAtBytes: 1_000_000 });
  expect(outcome.error).toMatchObject({ code: 'ABORTED', message: 'Cancelled: stopped by the test' });
  const status = await page.evaluate((model) => harness.status('worker', model), request());
  expect(status[1]!.state).toBe('partial');
  expect(status[1]!.storedBytes).toBeGreaterThanOrEqual(1_000_000);
});

test('cached models are listed with sizes, and deleting one frees it', async ({ page }) => {
  await ensure(page, 'worker', { model: request() });
  const listed = await page.evaluate(() => harness.list('page'));
  expect(listed).toEqual([
    expect.objectContaining({
      modelId: repo,
      revision: 'main',
      size: big.length + config.length,
      partialBytes: 0,
    }),
  ]);
  await page.evaluate((id) => harness.remove('page', id), repo);
  expect(await page.evaluate(() => harness.list('worker'))).toEqual([]);
  expect(await readSha(page, 'worker', repo, 'config.json')).toBe('MODEL_FILE_MISSING');
});

test('two tabs never download the same file at once: the second waits, then finds it stored', async ({
  context,
  page,
}) => {
  server.configure(repo, 'main', MODEL, { chunkBytes: 200_000, chunkDelayMs: 30 });
  const second = await context.newPage();
  await openHarness(second, 'models');
  const [a, b] = await Promise.all([
    ensure(page, 'worker', { model: request({ sha256: true }) }),
    ensure(second, 'worker', { model: request({ sha256: true }) }),
  ]);
  expect(a.error).toBeUndefined();
  expect(b.error).toBeUndefined();
  expect(modelGets()).toHaveLength(1);
  expect(a.report!.fetchedBytes + b.report!.fetchedBytes).toBe(big.length + config.length);
  const waited = [...a.events, ...b.events].filter((e) => e.phase === 'waiting');
  expect(waited.length).toBeGreaterThan(0);
  expect(await readSha(second, 'worker', repo, MODEL)).toBe(sha256Hex(big));
});

test('where OPFS is missing, the Cache API keeps the files and resumes too', async ({ page }) => {
  server.configure(repo, 'main', MODEL, { cutAfter: 1_000_000, chunkBytes: 100_000 });
  const outcome = await ensure(page, 'page', { model: request({ sha256: true }), storage: 'cache' });
  expect(outcome.error).toBeUndefined();
  expect(outcome.report?.storage).toBe('cache');
  expect(modelGets()[1]!.range).toBe('bytes=1000000-');
  expect(await readSha(page, 'worker', repo, MODEL, 'cache')).toBe(sha256Hex(big));
  expect(await readSha(page, 'worker', repo, MODEL, 'opfs')).toBe('MODEL_FILE_MISSING');
});

test("the bundled demo model downloads from the app's /models into OPFS and reads back byte for byte", async ({
  page,
}) => {
  const outcome = await ensure(page, 'worker', { model: 'hearth-demo/tiny-embed' });
  expect(outcome.error).toBeUndefined();
  const pinned = demoPins['hearth-demo/tiny-embed'].files.filter((f) => !f.path.endsWith('.safetensors'));
  expect(outcome.report?.files.map((f) => [f.path, f.sha256, f.hashSource]).sort()).toEqual(
    pinned.map((f) => [f.path, f.sha256, 'catalog']).sort(),
  );
  for (const file of pinned) {
    expect(await readSha(page, 'worker', 'hearth-demo/tiny-embed', file.path)).toBe(file.sha256);
  }
  // The answer to navigator.storage.persist() is reported (workers can only read it).
  expect(typeof outcome.report?.persistence.persisted).toBe('boolean');
  const fromPage = await ensure(page, 'page', { model: 'hearth-demo/tiny-llama-chat', dtype: 'q4' });
  expect(fromPage.error).toBeUndefined();
  expect(fromPage.report?.persistence.requested).toBe(true);
  const q4 = demoPins['hearth-demo/tiny-llama-chat'].files.find((f) => f.path === 'onnx/model_q4.onnx')!;
  expect(await readSha(page, 'page', 'hearth-demo/tiny-llama-chat', q4.path)).toBe(q4.sha256);
});
