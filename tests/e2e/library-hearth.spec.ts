import { expect, test, type Page } from '@playwright/test';
import type { EngineCapabilities } from '../../src/index.ts';
import { openHarness } from './harness.ts';
import { devPort } from './support/app.ts';
import { startFineTuningServer, type FineTuningServer } from './support/fine-tuning-server.ts';

type Failure = { code?: string; message: string } | null;
declare const harness: {
  create(options?: { chat?: boolean; port?: boolean; embedder?: boolean }): void;
  greedy(): Promise<string | null>;
  direct(adapter?: string): Promise<string | null>;
  capabilities(): Promise<EngineCapabilities>;
  listCollections(): Promise<unknown[]>;
  embedDimensions(): Promise<number[]>;
  dispose(): void;
  attempt(what: 'chat' | 'embed' | 'rag'): Promise<Failure>;
  adapterFailure(settings?: { baseUrl: string; apiKey: string }): Promise<Failure>;
  syncAdapters(
    settings: { baseUrl: string; apiKey: string },
    name: string,
  ): Promise<{
    opened: Record<string, string>;
    report: { offline: boolean; downloaded: string[]; current: Record<string, string>; failed: unknown[] };
    ref: string;
    same: boolean;
    engine: string[];
    base: string | null;
    adapted: string | null;
  }>;
};

/** Counts the workers the page starts and the model files it asks for, from now on. */
function watch(page: Page) {
  const seen = { workers: [] as string[], models: [] as string[] };
  page.on('worker', (worker) => seen.workers.push(worker.url()));
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/models/')) seen.models.push(path);
  });
  return seen;
}

const isLlm = (url: string) => url.includes('llm.worker');
const isEmbed = (url: string) => url.includes('embed.worker');
const isRag = (url: string) => url.includes('rag.worker');

test.beforeEach(async ({ page }) => openHarness(page, 'hearth'));

test('createHearth starts nothing until a call needs it, then only what that call needs', async ({
  page,
}) => {
  const seen = watch(page);
  await page.evaluate(() => harness.create());
  // Give a worker that would start eagerly the time to show up.
  await page.waitForTimeout(500);
  expect(seen.workers).toEqual([]);
  expect(seen.models).toEqual([]);

  // RAG: its worker starts, but listing collections needs no embedding model.
  expect(await page.evaluate(() => harness.listCollections())).toEqual([]);
  expect(seen.workers.filter(isRag)).toHaveLength(1);
  expect(seen.workers.filter((url) => isEmbed(url) || isLlm(url))).toEqual([]);
  expect(seen.models).toEqual([]);

  // The first chat call starts the LLM engine and loads the configured model: same answer as createChat.
  const answer = await page.evaluate(() => harness.greedy());
  expect(seen.workers.filter(isLlm)).toHaveLength(1);
  expect(seen.models.some((path) => path.includes('tiny-llama-chat'))).toBe(true);
  expect(seen.models.some((path) => path.includes('tiny-embed'))).toBe(false);
  expect(answer).toBe(await page.evaluate(() => harness.direct()));
  // A second call reuses the engine.
  await page.evaluate(() => harness.greedy());
  expect(seen.workers.filter(isLlm)).toHaveLength(2); // the second one is direct()'s own worker

  expect(await page.evaluate(() => harness.embedDimensions())).toEqual([expect.any(Number)]);
  expect(seen.workers.filter(isEmbed)).toHaveLength(1);
});

test('the LLM engine is reached through a MessagePort when the host hands one', async ({ page }) => {
  await page.evaluate(() => harness.create({ port: true }));
  const capabilities = await page.evaluate(() => harness.capabilities());
  expect(capabilities.modelId).toBe('hearth-demo/tiny-llama-chat');
  expect(capabilities.device).toBe('wasm');
  expect(await page.evaluate(() => harness.greedy())).toBe(await page.evaluate(() => harness.direct()));
});

test('dispose stops the workers and every later call says HEARTH_DISPOSED', async ({ page }) => {
  await page.evaluate(() => harness.create());
  const workerClosed = new Promise<void>((resolve) =>
    page.on('worker', (worker) => {
      if (isLlm(worker.url())) worker.on('close', () => resolve());
    }),
  );
  await page.evaluate(() => harness.greedy());
  await page.evaluate(() => harness.dispose());
  await workerClosed;
  for (const what of ['chat', 'embed', 'rag'] as const) {
    expect((await page.evaluate((w) => harness.attempt(w), what))?.code).toBe('HEARTH_DISPOSED');
  }
});

test('a piece without configuration says HEARTH_NOT_CONFIGURED and starts nothing', async ({ page }) => {
  const seen = watch(page);
  await page.evaluate(() => harness.create({ chat: false, embedder: false }));
  expect((await page.evaluate(() => harness.attempt('chat')))?.code).toBe('HEARTH_NOT_CONFIGURED');
  expect((await page.evaluate(() => harness.attempt('embed')))?.code).toBe('HEARTH_NOT_CONFIGURED');
  expect(seen.workers.filter((url) => isLlm(url) || isEmbed(url))).toEqual([]);
});

test.describe('hearth.adapters() against a real fine-tuning server on loopback', () => {
  let tuning: FineTuningServer;
  test.beforeAll(async () => {
    tuning = await startFineTuningServer(`http://127.0.0.1:${devPort}`);
  });
  test.afterAll(async () => tuning?.close());

  test('syncs the published adapter into the chat engine, where a request that names it answers differently', async ({
    page,
  }) => {
    const settings = { baseUrl: tuning.url, apiKey: tuning.key };
    await page.evaluate(() => harness.create());
    // No server configured, none given: nothing to open.
    expect((await page.evaluate(() => harness.adapterFailure()))?.code).toBe('HEARTH_NOT_CONFIGURED');
    // A key the server does not know is refused as such, not taken for an offline server.
    const wrong = { ...settings, apiKey: 'hk-not-a-key-of-this-server-0123456789' };
    expect((await page.evaluate((s) => harness.adapterFailure(s), wrong))?.code).toBe('ADAPTER_AUTH_FAILED');

    // New settings take the failed sync's place.
    const first = await page.evaluate((s) => harness.syncAdapters(s, 'demo-upper'), settings);
    expect(first.opened).toEqual({});
    expect(first.report).toMatchObject({
      offline: false,
      downloaded: ['demo-upper@1'],
      current: { 'demo-upper': 'demo-upper@1' },
      failed: [],
    });
    expect(first.ref).toBe('demo-upper@1');
    expect(first.same).toBe(true);
    expect(first.engine).toEqual(['demo-upper@1']);
    // The answers are those of the same model with the fixture the server published (demo-upper is
    // tests/fixtures/adapters/upper-r8) loaded by hand, and without it.
    expect(first.adapted).toBe(await page.evaluate(() => harness.direct('upper-r8')));
    expect(first.base).toBe(await page.evaluate(() => harness.direct()));
    expect(first.adapted).not.toBe(first.base);

    // A new Hearth on this device: opening hands the stored adapter to the engine, and nothing is downloaded
    // again.
    const asked: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(tuning.url)) asked.push(new URL(request.url()).pathname);
    });
    await page.evaluate(() => harness.create());
    const again = await page.evaluate((s) => harness.syncAdapters(s, 'demo-upper'), settings);
    expect(again.opened).toEqual({ 'demo-upper': 'demo-upper@1' });
    expect(again.report.downloaded).toEqual([]);
    expect(asked.every((path) => !path.includes('/files/'))).toBe(true);
    expect(again.adapted).toBe(first.adapted);
    expect(again.base).toBe(first.base);
  });
});
