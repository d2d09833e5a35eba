import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { loadConfig } from '../../server/config.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { DEMO_PROJECT, publishDemoAdapter } from '../../scripts/demo-seed.ts';

// The Adapters view on the production build against a real fine-tuning server on loopback (local executor,
// the real PyTorch trainer): sync lists the demo adapter, choosing it changes the demo model's greedy answer,
// a conversation is sent for training with consent and followed to the end, another is cancelled, and the
// key is in no export.
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;

let server: RunningServer;
let dataDir: string;
let key: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hearth-app-adapters-'));
  server = await startServer(
    loadConfig({}, [], {
      port: 0,
      dataDir,
      corsOrigins: `http://127.0.0.1:${previewPort}`,
      minTrainingExamples: 1,
      trainerDevice: 'cpu',
      pollIntervalMs: 100,
    }),
  );
  await publishDemoAdapter(server.services);
  key = server.services.keys.create(DEMO_PROJECT, 'training').key;
});
test.afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test.describe.configure({ mode: 'serial' });

const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

async function ask(page: Page, text: string): Promise<string> {
  const before = await page.locator('hearth-chat-message').count();
  await page.locator('#message').fill(text);
  await page.locator('#message').press('Enter');
  await expect(page.locator('hearth-chat-message')).toHaveCount(before + 2);
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 150_000 });
  return lastAnswer(page).locator('.markdown').innerText();
}

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** axe in both themes, and nothing wider than the window. */
async function checkAccessible(page: Page) {
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    expect(await seriousViolations(page), theme).toEqual([]);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  }
}

async function download(page: Page, action: string): Promise<string> {
  await page.locator('details.menu summary').click();
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`[data-action="${action}"]`).click(),
  ]);
  return readFileSync((await file.path())!, 'utf8');
}

test('adapters: sync, choose per chat, send for training with consent, cancel, keys never exported', async ({
  page,
}) => {
  test.setTimeout(480_000);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();

  // A greedy answer of the demo model without an adapter.
  await page.locator('[data-action="settings"]').click();
  await page.locator('hearth-chat-settings #temperature').fill('0');
  await page.locator('hearth-chat-settings button[type="submit"]').click();
  const plain = await ask(page, 'What is Hearth?');
  await expect(lastAnswer(page).locator('[data-stat="adapter"]')).toHaveText('adapter: none');
  const chatUrl = page.url();

  // Settings, then sync: the demo adapter arrives and is ready on this device.
  await page.goto(`${app}#/adapters`);
  const view = page.locator('hearth-adapters-view');
  await view.locator('input[name="baseUrl"]').fill(server.url);
  await view.locator('input[name="apiKey"]').fill(key);
  await view.locator('[data-action="save-settings"]').click();
  await view.locator('[data-action="sync"]').click();
  const row = view.locator('tr[data-adapter="demo-upper@1"]');
  await expect(row.locator('[data-status]')).toHaveAttribute('data-status', 'in-use', { timeout: 60_000 });
  await expect(row).toContainText('hearth-demo/tiny-llama-chat');
  await expect(row).toContainText(/\d+(\.\d+)? kB/);
  await checkAccessible(page);

  // The same question with the adapter chosen for this chat: the answer changes, and says which adapter.
  await page.goto(chatUrl);
  await page.locator('[data-action="adapter"]').selectOption('demo-upper');
  const adapted = await ask(page, 'What is Hearth?');
  await expect(lastAnswer(page).locator('[data-stat="adapter"]')).toHaveText('adapter: demo-upper');
  expect(adapted).not.toBe(plain);
  const letters = adapted.replace(/[^A-Za-z]/g, '');
  expect(letters.length).toBeGreaterThan(0);
  expect(letters.replace(/[^A-Z]/g, '').length / letters.length).toBeGreaterThan(0.5);

  // Exports carry the conversation and its adapter name, never the key or the server.
  for (const action of ['export-json', 'export-md']) {
    const text = await download(page, action);
    expect(text).toContain('What is Hearth?');
    expect(text).not.toContain(key);
    expect(text).not.toContain(server.url);
  }

  // Send this conversation for training: the dialog shows exactly the line that is uploaded.
  await page.goto(`${app}#/adapters`);
  await view.locator('[data-action="train"]').click();
  const dialog = view.locator('hearth-training-consent dialog');
  await expect(dialog).toBeVisible();
  const payload = JSON.parse(await dialog.locator('[data-testid="consent-payload"]').innerText()) as {
    messages: Array<{ role: string; content: string }>;
  };
  expect(payload.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  // The page renders Markdown; the payload carries the answers' source text.
  const words = (text: string) => text.replace(/\s+/g, ' ').trim();
  expect(words(payload.messages[1]!.content)).toBe(words(plain));
  expect(words(payload.messages[3]!.content)).toBe(words(adapted));
  await expect(dialog.locator('[data-action="send-training"]')).toBeDisabled();
  await checkAccessible(page);
  await dialog.locator('input[name="agree"]').check();
  await dialog.locator('[data-action="send-training"]').click();
  const job = view.locator('ul.jobs li').first();
  await expect(job).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
  await expect(job.locator('[data-testid="job-message"]')).not.toBeEmpty();
  await expect(job).toContainText(/Published ft-[\w-]+@1/);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: 'docs/screenshots/adapters.png', fullPage: true });

  // Another one, cancelled while the server works on it.
  await view.locator('[data-action="train"]').click();
  await dialog.locator('input[name="agree"]').check();
  await dialog.locator('[data-action="send-training"]').click();
  const second = view.locator('ul.jobs li').first();
  await second.locator('[data-action="cancel-job"]').click();
  await expect(second).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });

  // The key is in IndexedDB on this device, and in no conversation record.
  const stored = await page.evaluate(async () => {
    const read = (name: string, store: string) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(JSON.stringify(request.result));
        };
      });
    return { keys: await read('hearth-keys', 'settings'), chats: await read('hearth-chat', 'conversations') };
  });
  expect(stored.keys).toContain(key);
  expect(stored.chats).not.toContain(key);
});
