import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import { DEMO_PROJECT, publishDemoAdapter } from '../../scripts/demo-seed.ts';
import { chromiumArgs, chromiumExecutable } from './chromium.ts';
import { appStoredOffline } from './support/offline-copy.ts';
import { startAppServer } from './support/app-server.ts';

// The installed, offline app on the production build (dist/, built once for the browser tests): one
// online visit stores the app (service worker precache), the demo models (asset store), a document,
// two conversations and the demo adapter; then the network is cut for the page (setOffline) and for
// the service worker too (the host stops), and the reloaded app answers from what it stored.
const dist = resolve('dist');
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;

const notes = `# Orchard log

## Hives

Four hives stand under the walnut tree. Every May the keeper weighs each hive and notes the honey
harvest in the blue notebook.
`;

const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

async function ask(page: Page, text: string) {
  const before = await page.locator('hearth-chat-message').count();
  await page.locator('#message').fill(text);
  await page.locator('#message').press('Enter');
  await expect(page.locator('hearth-chat-message')).toHaveCount(before + 2);
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 90_000 });
  await expect(lastAnswer(page).locator('[role="alert"]')).toHaveCount(0);
  return lastAnswer(page).locator('.markdown').innerText();
}

/** This conversation's answers: greedy and short (the demo model's words carry no meaning here). */
async function greedyShort(page: Page) {
  await page.locator('[data-action="settings"]').click();
  await page.locator('hearth-chat-settings #temperature').fill('0');
  await page.locator('hearth-chat-settings #max_tokens').fill('32');
  await page.locator('hearth-chat-settings button[type="submit"]').click();
}

const upperShare = (text: string) => {
  const letters = text.replace(/[^A-Za-z]/g, '');
  return letters.replace(/[^A-Z]/g, '').length / Math.max(1, letters.length);
};

test('offline: after one online visit the app starts isolated with no network and answers from its stored models, documents, conversations and adapter', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const host = await startAppServer(dist);
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-pwa-offline-'));
  const tuning = await startServer(
    loadConfig({}, [], { port: 0, dataDir, corsOrigins: host.url, trainerDevice: 'cpu' }),
  );
  const context = await browser.newContext();
  try {
    await publishDemoAdapter(tuning.services);
    const key = tuning.services.keys.create(DEMO_PROJECT, 'training').key;
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // Online: the app is stored as soon as its service worker has installed. The chat runs on WASM (as
    // chosen in the Models view), so the greedy answers below are the same online and offline.
    await page.goto(host.url);
    await page.evaluate(() =>
      localStorage.setItem(
        'hearth:model-choice',
        JSON.stringify({
          chatModel: 'hearth-demo/tiny-llama-chat',
          embedModel: 'hearth-demo/tiny-embed',
          device: 'wasm',
        }),
      ),
    );
    await page.reload();
    await appStoredOffline(page);

    // A document.
    await page.goto(`${host.url}/#/documents`);
    const documents = page.locator('hearth-documents-view');
    await documents.locator('#collection-name').fill('Orchard');
    await documents.locator('#collection-name').press('Enter');
    await documents
      .locator('#file-input')
      .setInputFiles({ name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from(notes) });
    await expect(documents.locator('[data-testid="ingest-task"][data-file="notes.md"]')).toHaveAttribute(
      'data-state',
      'done',
      { timeout: 90_000 },
    );

    // The demo adapter, synced from the fine-tuning server.
    await page.goto(`${host.url}/#/adapters`);
    const adapters = page.locator('hearth-adapters-view');
    await adapters.locator('input[name="baseUrl"]').fill(tuning.url);
    await adapters.locator('input[name="apiKey"]').fill(key);
    await adapters.locator('[data-action="save-settings"]').click();
    await adapters.locator('[data-action="sync"]').click();
    await expect(adapters.locator('tr[data-adapter="demo-upper@1"] [data-status]')).toHaveAttribute(
      'data-status',
      'in-use',
      { timeout: 60_000 },
    );

    // Two conversations: one from the documents, one with the adapter.
    await page.getByRole('link', { name: 'Chat' }).click();
    await greedyShort(page);
    await page.locator('hearth-grounding-picker').getByLabel('Use my documents').check();
    await ask(page, 'Where does the keeper note the honey harvest?');
    await expect(lastAnswer(page).locator('[data-testid="sources"] li a').first()).toHaveText('notes.md');
    const groundedChat = page.url();
    // The second, greedy: the demo model's answer, then with the adapter (which answers in capitals).
    await page.locator('[data-action="new-chat"]').first().click();
    await greedyShort(page);
    const plain = await ask(page, 'What is Hearth?');
    await page.locator('[data-action="adapter"]').selectOption('demo-upper');
    const adaptedOnline = await ask(page, 'What is Hearth?');
    await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toContainText('WASM');
    expect(adaptedOnline).not.toBe(plain);
    expect(upperShare(adaptedOnline)).toBeGreaterThan(0.5);
    const adapterChat = page.url();
    expect(adapterChat).not.toBe(groundedChat);

    // No network at all: not for the page, not for the service worker (its host is gone).
    await context.setOffline(true);
    await host.stop();
    await tuning.close();
    const asked = host.requested.length;
    await page.reload();
    await expect(page.locator('#message')).toBeEditable();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.locator('hearth-conversation-list li')).toHaveCount(2);
    // The conversations, as they were.
    await page.goto(adapterChat);
    await expect(lastAnswer(page).locator('.markdown')).toHaveText(adaptedOnline);

    // The stored documents answer the question again, through the stored embedder and chat model.
    await page.goto(groundedChat);
    await ask(page, 'Where does the keeper note the honey harvest?');
    await expect(lastAnswer(page).locator('[data-testid="sources"] li a').first()).toHaveText('notes.md');
    await expect(lastAnswer(page).locator('[data-testid="sources"] li q').first()).toContainText(
      'the keeper weighs each hive',
    );

    // The stored adapter shapes the answer as it did online: regenerated greedily, the same words.
    await page.goto(adapterChat);
    await lastAnswer(page).locator('[data-action="regenerate"]').click();
    await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 90_000 });
    await expect(lastAnswer(page).locator('[data-stat="adapter"]')).toHaveText('adapter: demo-upper');
    await expect(lastAnswer(page).locator('.markdown')).toHaveText(adaptedOnline);

    // Multi-threaded WASM offline too: the service worker's responses keep the page isolated.
    await page.goto(`${host.url}/#/device`);
    await expect(page.locator('[data-field="wasm-threads"]')).toContainText('SharedArrayBuffer is available');
    await expect(page.locator('[data-field="offline"]')).toContainText(
      'Stored: Hearth starts without a network',
    );
    expect(host.requested.length).toBe(asked);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
    await host.stop().catch(() => undefined);
    await tuning.close().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('installable: the browser finds nothing missing and offers to install, which shows the app’s Install button', async () => {
  // Chromium never offers to install from an incognito profile, which every Playwright context is:
  // this test has a profile of its own.
  const profile = mkdtempSync(join(tmpdir(), 'hearth-pwa-install-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable(),
    args: chromiumArgs,
    headless: true,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(app);
    await expect(page.locator('#message')).toBeEditable();
    await page.evaluate(() => navigator.serviceWorker.ready);
    const session = await context.newCDPSession(page);
    const { installabilityErrors } = await session.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);
    const manifest = await session.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect(manifest.url).toBe(`${app}manifest.webmanifest`);

    // Chromium itself offers installation: the app's Install button appears.
    await expect(page.locator('[data-action="install"]')).toBeVisible();
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  }
});

test('a dispatched install offer shows the Install button, which hands the offer to the browser once', async ({
  page,
}) => {
  // An incognito profile, where Chromium never offers installation itself.
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  const install = page.locator('[data-action="install"]');
  await expect(install).toHaveCount(0);
  // What Chromium dispatches when it offers installation.
  await page.evaluate(() => {
    const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => {
        const counted = globalThis as { prompted?: number };
        counted.prompted = (counted.prompted ?? 0) + 1;
        return { outcome: 'accepted' };
      },
    });
    dispatchEvent(offer);
  });
  await expect(install).toBeVisible();
  await install.click();
  expect(await page.evaluate(() => (globalThis as { prompted?: number }).prompted)).toBe(1);
  await expect(install).toHaveCount(0);
});
