import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { build } from 'vite';
import { appStoredOffline } from './support/offline-copy.ts';
import { startAppServer, type AppServer } from './support/app-server.ts';

// Two builds of the app on one origin, as two deployments: A is the build the browser tests share
// (dist/), B a second production build made here with another build id. The service worker offers B
// and runs it only once accepted, never a mix; a tab of B never joins A's engine.
const distA = resolve('dist');
let distB: string;
let buildB: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  distB = mkdtempSync(join(tmpdir(), 'hearth-build-b-'));
  buildB = `update-b-${Date.now().toString(36)}`;
  await build({
    logLevel: 'error',
    define: { 'import.meta.env.HEARTH_BUILD_ID': JSON.stringify(buildB) },
    build: { outDir: distB, emptyOutDir: true, sourcemap: false },
  });
});
test.afterAll(() => rmSync(distB, { recursive: true, force: true }));

const assets = (dist: string) =>
  new Set(readdirSync(join(dist, 'assets')).filter((f) => !f.endsWith('.map')));
const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

async function ask(page: Page) {
  const before = await page.locator('hearth-chat-message').count();
  await page.locator('#message').fill('What is Hearth?');
  await page.locator('#message').press('Enter');
  await expect(page.locator('hearth-chat-message')).toHaveCount(before + 2);
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 90_000 });
  await expect(lastAnswer(page).locator('[role="alert"]')).toHaveCount(0);
}

/** The build a page runs, as its Device view states it. */
async function buildOf(page: Page, origin: string): Promise<string> {
  await page.goto(`${origin}/#/device`);
  const field = page.locator('[data-field="build"]');
  await expect(field).not.toBeEmpty();
  return (await field.innerText()).trim();
}

/** The script files a page and its workers have run, by name. */
async function scriptsRun(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.startsWith('/assets/') && /\.m?js$/.test(path))
      .map((path) => path.slice('/assets/'.length)),
  );
}

/** The engines (SharedWorkers) alive in the browser, by name. */
async function engines(browser: Browser): Promise<Array<{ name: string; file: string }>> {
  const session = await browser.newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  await session.detach();
  return targetInfos
    .filter((target) => target.type === 'shared_worker' && target.url.includes('llm.shared-worker'))
    .map((target) => ({ name: target.title, file: new URL(target.url).pathname.slice('/assets/'.length) }));
}

test('a new version is offered, and once accepted every tab runs only its files', async ({ browser }) => {
  const host: AppServer = await startAppServer(distA);
  const context: BrowserContext = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await appStoredOffline(page);
    const buildA = await buildOf(page, host.url);
    expect(buildA).not.toBe(buildB);
    await page.goto(host.url);
    await ask(page);

    // B is deployed. The next visit finds it: B installs beside A and waits; the page offers it.
    host.serve(distB);
    await page.reload();
    await expect(page.locator('[data-testid="update-ready"]')).toBeVisible({ timeout: 120_000 });
    const second = await context.newPage();
    await second.goto(host.url);
    await expect(second.locator('[data-testid="update-ready"]')).toBeVisible({ timeout: 60_000 });
    // Until accepted, both tabs run A, from A's files only.
    expect(await buildOf(second, host.url)).toBe(buildA);
    const [filesA, filesB] = [assets(distA), assets(distB)];
    for (const file of await scriptsRun(second)) expect(filesA.has(file), file).toBe(true);

    // Accept in one tab: every tab reloads on B.
    const reloaded = [page.waitForEvent('load'), second.waitForEvent('load')];
    await page.locator('[data-action="update"]').click();
    await Promise.all(reloaded);
    for (const tab of [page, second]) {
      expect(await buildOf(tab, host.url)).toBe(buildB);
      const run = await scriptsRun(tab);
      expect(run.length).toBeGreaterThan(0);
      for (const file of run) expect(filesB.has(file), file).toBe(true);
    }
    // The chat runs on B's engine, and A's engine is gone with A's tabs.
    await page.goto(host.url);
    await ask(page);
    const running = await engines(browser);
    expect(running.map((engine) => engine.name)).toEqual([`hearth-llm:${buildB}`]);
    expect(filesB.has(running[0]!.file)).toBe(true);
  } finally {
    await context.close();
    await host.stop();
  }
});

test('a tab of a newer build does not join the engine of an older one', async ({ browser }) => {
  const host = await startAppServer(distA);
  // No service worker: the second tab loads B from the network, as a hard reload would.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const older = await context.newPage();
    await older.goto(host.url);
    await ask(older);
    // Read now: without a service worker, a view not loaded before B is deployed can no longer load.
    const buildA = await buildOf(older, host.url);
    host.serve(distB);
    const newer = await context.newPage();
    await newer.goto(host.url);
    await ask(newer);
    expect(await buildOf(newer, host.url)).toBe(buildB);
    expect((await engines(browser)).map((engine) => engine.name).sort()).toEqual(
      [`hearth-llm:${buildA}`, `hearth-llm:${buildB}`].sort(),
    );
    // Each engine serves the tab of its own build, and each loaded the model for it.
    for (const tab of [older, newer]) {
      await tab.goto(`${host.url}/#/chat`);
      await tab.goto(`${host.url}/#/device`);
      await expect(tab.locator('[data-field="engine"]')).toHaveText(
        'One engine for every tab of this version: serving 1 tab; hearth-demo/tiny-llama-chat loaded (models loaded once).',
      );
    }
    // The older tab goes on with its own engine.
    await older.goto(`${host.url}/#/chat`);
    await ask(older);
  } finally {
    await context.close();
    await host.stop();
  }
});
