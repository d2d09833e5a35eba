import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import { launchFreezableBrowser, type FreezableBrowser } from './support/freezable-browser.ts';

// One LLM engine for every tab (a SharedWorker), with real workers, the demo model and Web Locks.
// The first test drives the app's production build; the others drive the runtime through
// tests/e2e/pages/shared-engine.ts in a Chromium whose pages can be frozen, served by a dev server
// of their own without its reload socket (a page that wakes from a freeze would otherwise be
// reloaded by Vite's client). Each of those tests uses its own build id, so each starts its own engine.
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;

type Failure = { code?: string; message: string } | null;
type Status = { buildId: string; sessions: number; modelLoads: number; model?: string } | undefined;
declare const harness: {
  create(buildId: string): void;
  ask(maxTokens?: number): Promise<{ text: string; firstChunkMs?: number; error: Failure }>;
  start(id: string, first: number, maxTokens?: number): Promise<{ chunks: number }>;
  readOn(id: string): Promise<{ chunks: number; finish: string | null; error: Failure }>;
  status(): Promise<Status>;
};

test.describe.configure({ mode: 'serial' });

/** The SharedWorkers (and dedicated workers) alive in the browser, as the DevTools protocol lists them. */
async function engineWorkers(browser: Browser) {
  const session = await browser.newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  await session.detach();
  return targetInfos.filter(
    (target) => target.type === 'shared_worker' && target.url.includes('llm.shared-worker'),
  );
}

const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

test('three tabs of the app: one engine loads the model once, and every tab is answered by it', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const tabs: Page[] = [];
  const dedicated: string[] = [];
  for (let i = 0; i < 3; i++) {
    const tab = await context.newPage();
    tab.on('worker', (worker) => dedicated.push(worker.url()));
    await tab.goto(app);
    await tab.locator('#message').fill(`Hello from tab ${i + 1}. What is Hearth?`);
    await tab.locator('#message').press('Enter');
    await expect(lastAnswer(tab).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 90_000 });
    await expect(lastAnswer(tab).locator('.markdown')).not.toBeEmpty();
    tabs.push(tab);
  }
  // One engine, and no tab started an LLM worker of its own.
  expect(await engineWorkers(browser)).toHaveLength(1);
  expect(dedicated.filter((url) => url.includes('llm.worker'))).toEqual([]);
  // The engine says what it serves: three tabs, one model load.
  await tabs[0]!.goto(`${app}#/device`);
  await expect(tabs[0]!.locator('[data-field="engine"]')).toHaveText(
    'One engine for every tab of this version: serving 3 tabs; hearth-demo/tiny-llama-chat loaded (models loaded once).',
  );
  await context.close();
});

test.describe('the engine shared by tabs, when a tab or the engine goes away', () => {
  let chrome: FreezableBrowser;
  let server: ViteDevServer;
  let harnessUrl: string;
  test.beforeAll(async () => {
    server = await createServer({
      server: { port: 0, hmr: false, ws: false, watch: null },
      logLevel: 'error',
    });
    await server.listen();
    harnessUrl = `${server.resolvedUrls!.local[0]}tests/e2e/pages/shared-engine.html`;
    chrome = await launchFreezableBrowser();
  });
  test.afterAll(async () => {
    await chrome?.close();
    await server?.close();
  });

  async function openTab(context: BrowserContext, buildId: string): Promise<Page> {
    const tab = await context.newPage();
    await tab.goto(harnessUrl);
    await tab.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 60_000 });
    await tab.evaluate((id) => harness.create(id), buildId);
    return tab;
  }

  test('a tab closed mid-answer frees the engine at once: the next tab is answered', async () => {
    const build = `closed-${Date.now()}`;
    const [first, second] = [await openTab(chrome.context, build), await openTab(chrome.context, build)];
    expect((await second.evaluate(() => harness.ask())).error).toBeNull();
    // The first tab's answer holds the engine: it read three chunks and reads no more.
    expect(await first.evaluate(() => harness.start('long', 3))).toEqual({ chunks: 3 });
    await first.close();
    // Answered although the first tab's answer was never read to its end: the engine ended it.
    const next = await second.evaluate(() => harness.ask());
    expect(next.error).toBeNull();
    expect(next.text.length).toBeGreaterThan(0);
    expect(await second.evaluate(() => harness.status())).toMatchObject({ sessions: 1, modelLoads: 1 });
    await second.close();
  });

  test('a frozen tab: its answer ends with ANSWER_INTERRUPTED, the others are answered meanwhile, and it regenerates', async () => {
    const build = `frozen-${Date.now()}`;
    const [first, second] = [await openTab(chrome.context, build), await openTab(chrome.context, build)];
    expect(await first.evaluate(() => harness.start('long', 3))).toEqual({ chunks: 3 });
    await chrome.freeze(first);
    // The frozen tab reads nothing more, yet the other tab is answered: the engine ended its answer.
    const next = await second.evaluate(() => harness.ask());
    expect(next.error).toBeNull();
    await chrome.resume(first);
    const interrupted = await first.evaluate(() => harness.readOn('long'));
    expect(interrupted.error).toMatchObject({ code: 'ANSWER_INTERRUPTED' });
    expect(interrupted.error?.message).toMatch(/Regenerate the answer/);
    const again = await first.evaluate(() => harness.ask());
    expect(again.error).toBeNull();
    expect(again.text).toBe(next.text); // greedy, same question, same model
    expect(await first.evaluate(() => harness.status())).toMatchObject({ sessions: 2, modelLoads: 1 });
    await Promise.all([first.close(), second.close()]);
  });

  test('the engine stops mid-answer: ENGINE_HOST_LOST at once, and a new engine answers the next request', async () => {
    const build = `lost-${Date.now()}`;
    const [first, second] = [await openTab(chrome.context, build), await openTab(chrome.context, build)];
    const before = (await second.evaluate(() => harness.ask())).text;
    expect(await first.evaluate(() => harness.start('long', 3))).toEqual({ chunks: 3 });
    const [engine] = (await engineWorkers(chrome.browser)).filter((target) => target.title.endsWith(build));
    expect(engine).toBeDefined();
    const session = await chrome.browser.newBrowserCDPSession();
    await session.send('Target.closeTarget', { targetId: engine!.targetId });
    await session.detach();
    // The answer in flight fails with its code instead of waiting forever on a dead port.
    const lost = await first.evaluate(() => harness.readOn('long'));
    expect(lost.error).toMatchObject({ code: 'ENGINE_HOST_LOST' });
    // Regenerate: a new engine starts, loads the model once, and serves both tabs.
    const again = await first.evaluate(() => harness.ask());
    expect(again.error).toBeNull();
    expect(again.text).toBe(before);
    expect((await second.evaluate(() => harness.ask())).text).toBe(before);
    expect(
      (await engineWorkers(chrome.browser)).filter((target) => target.title.endsWith(build)),
    ).toHaveLength(1);
    expect(await first.evaluate(() => harness.status())).toMatchObject({ sessions: 2, modelLoads: 1 });
    await Promise.all([first.close(), second.close()]);
  });
});
