import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { ModelListing, StorageStatus } from '../../src/runtime/index.ts';
import type { CachedModel, FileStatus } from '../../src/models/index.ts';
import demoPins from '../../src/models/demo-pins.json' with { type: 'json' };
import { openHarness } from './harness.ts';
import { startModelServer, type ModelServer } from './support/model-server.ts';

// `createModels`, the runtime's model store, in Chromium: its real worker writing OPFS, downloads
// from a local server in the hub's layout, and the browser's own storage estimate.
interface Finished {
  result?: { fetchedBytes: number; files: { path: string; size: number; resumedFrom: number }[] };
  error?: { code: string; message: string };
  state: string;
  states: { state: string; code?: string }[];
  overall?: { phase: string; loaded: number; total: number };
  files?: Record<string, { loaded: number; total: number }>;
}
declare const harness: {
  catalog(): ModelListing[];
  start(modelId: string, baseUrl: string): void;
  loaded(modelId: string): number;
  pause(modelId: string): void;
  resume(modelId: string): void;
  cancel(modelId: string): Promise<void>;
  finish(modelId: string): Promise<Finished>;
  stored(): Promise<CachedModel[]>;
  status(modelId: string): Promise<FileStatus[]>;
  remove(modelId: string): Promise<void>;
  storage(): Promise<StorageStatus>;
  autoDevice(): Promise<{ device: string; reason: string }>;
};

const repo = 'hearth-demo/tiny-embed';
const graph = 'onnx/model.onnx';
const files = demoPins[repo].files;
const modelBytes = files.reduce((sum, file) => sum + file.size, 0);
let server: ModelServer;
let page: Page;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async ({ browser }) => {
  server = await startModelServer();
  for (const file of files) {
    server.addFile(repo, 'main', file.path, readFileSync(`public/models/${repo}/resolve/main/${file.path}`));
  }
  page = await browser.newPage();
  await openHarness(page, 'runtime-models');
});
test.afterAll(async () => {
  await page.close();
  await server.close();
});
test.beforeEach(async () => {
  server.configure(repo, 'main', graph, { chunkBytes: 8192, chunkDelayMs: 30 });
  server.resetCounts();
  await page.evaluate((id) => harness.remove(id), repo);
});

const start = () => page.evaluate(([id, url]) => harness.start(id, url), [repo, server.url] as const);
const finish = () => page.evaluate((id) => harness.finish(id), repo);
const waitForBytes = () => page.waitForFunction((id) => harness.loaded(id) > 50_000, repo);

test('the catalog lists every model with the size of its default variant', async () => {
  const listed = await page.evaluate(() => harness.catalog());
  const embed = listed.find((model) => model.id === repo)!;
  expect(embed).toMatchObject({
    kind: 'embed',
    dtype: 'fp32',
    size: modelBytes,
    sizeKnown: true,
    baseUrl: '/models',
  });
  expect(embed.files.map((file) => file.path).sort()).toEqual(files.map((file) => file.path).sort());
  // The hub export whose graph size is unknown until it downloads says so instead of guessing.
  expect(listed.find((model) => model.id === 'onnx-community/SmolLM2-135M-Instruct-ONNX')).toMatchObject({
    sizeKnown: false,
  });
});

test('pause keeps the stored prefix, resume continues it with a Range request, delete frees the space', async () => {
  const empty = await page.evaluate(() => harness.storage());
  await start();
  await waitForBytes();
  await page.evaluate((id) => harness.pause(id), repo);
  const partial = await page.evaluate((id) => harness.status(id), repo);
  expect(partial.find((file) => file.path === graph)?.state).not.toBe('complete');

  await page.evaluate((id) => harness.resume(id), repo);
  const done = await finish();
  expect(done.error).toBeUndefined();
  expect(done.states.map((s) => s.state)).toEqual(['downloading', 'paused', 'downloading', 'done']);
  const resumed = done.result!.files.find((file) => file.path === graph)!;
  expect(resumed.resumedFrom).toBeGreaterThan(0);
  expect(resumed.size).toBe(files.find((file) => file.path === graph)!.size);
  expect(server.requests({ path: graph, method: 'GET' }).at(-1)?.range).toBe(`bytes=${resumed.resumedFrom}-`);
  // Every byte crossed the network once: the paused run's bytes were kept, not fetched again.
  expect(server.bytesServed(graph)).toBeLessThan(resumed.size + 64 * 1024);
  expect(done.overall).toMatchObject({ phase: 'done', loaded: modelBytes, total: modelBytes });

  const status = await page.evaluate((id) => harness.status(id), repo);
  expect(status.every((file) => file.state === 'complete')).toBe(true);
  const stored = await page.evaluate(() => harness.stored());
  expect(stored.find((model) => model.modelId === repo)).toMatchObject({ size: modelBytes, partialBytes: 0 });
  const full = await page.evaluate(() => harness.storage());
  expect(full.usage! - (empty.usage ?? 0)).toBeGreaterThanOrEqual(modelBytes);
  expect(full.free).toBe(full.quota! - full.usage!);

  await page.evaluate((id) => harness.remove(id), repo);
  expect((await page.evaluate(() => harness.stored())).some((model) => model.modelId === repo)).toBe(false);
  const freed = await page.evaluate(() => harness.storage());
  expect(full.usage! - freed.usage!).toBeGreaterThanOrEqual(modelBytes);
});

test('cancel stops the transfer and deletes what the model had stored', async () => {
  await start();
  await waitForBytes();
  await page.evaluate((id) => harness.cancel(id), repo);
  const cancelled = await finish();
  expect(cancelled).toMatchObject({ result: undefined, state: 'cancelled' });
  expect(cancelled.states.map((s) => s.state)).toEqual(['downloading', 'cancelled']);
  expect((await page.evaluate(() => harness.stored())).some((model) => model.modelId === repo)).toBe(false);
  const served = server.bytesServed(graph);
  await page.waitForTimeout(300);
  expect(server.bytesServed(graph)).toBe(served);
});

test('a file that does not match its pinned hash fails the download with MODEL_FILE_CORRUPT and is not kept', async () => {
  server.configure(repo, 'main', graph, { corrupt: true });
  await start();
  const failed = await finish();
  expect(failed.error?.code).toBe('MODEL_FILE_CORRUPT');
  expect(failed.states.at(-1)).toEqual({ state: 'failed', code: 'MODEL_FILE_CORRUPT' });
  const status = await page.evaluate((id) => harness.status(id), repo);
  expect(status.find((file) => file.path === graph)?.state).toBe('missing');
});

test('autoDevice says what auto picks here, and why', async () => {
  const choice = await page.evaluate(() => harness.autoDevice());
  expect(['webgpu', 'wasm']).toContain(choice.device);
  expect(choice.reason).toMatch(/^auto: /);
});
