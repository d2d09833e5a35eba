import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { app, ask, expectFitsWindow, lastAnswer, openSettings } from './support/app.ts';
import { expectNoSeriousViolations } from './support/axe.ts';
import { startFineTuningServer, type FineTuningServer } from './support/fine-tuning-server.ts';

// The Adapters view on the production build against a real fine-tuning server on loopback (local executor,
// the real PyTorch trainer): sync lists the demo adapter, choosing it changes the demo model's greedy answer,
// a conversation is sent for training with consent and followed to the end, another is cancelled, and the
// key is in no export.

let tuning: FineTuningServer;
let key: string;

test.beforeAll(async () => {
  tuning = await startFineTuningServer(new URL(app).origin);
  key = tuning.key;
});
test.afterAll(async () => tuning?.close());

test.describe.configure({ mode: 'serial' });

/** axe in both themes, and nothing wider than the window. */
async function checkAccessible(page: Page) {
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await expectNoSeriousViolations(page, theme);
    await expectFitsWindow(page);
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
  await openSettings(page, { temperature: '0' });
  const plain = await ask(page, 'What is Hearth?', 150_000);
  await expect(lastAnswer(page).locator('[data-stat="adapter"]')).toHaveText('adapter: none');
  const chatUrl = page.url();

  // Settings, then sync: the demo adapter arrives and is ready on this device.
  await page.goto(`${app}#/adapters`);
  const view = page.locator('hearth-adapters-view');
  await view.locator('input[name="baseUrl"]').fill(tuning.url);
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
  const adapted = await ask(page, 'What is Hearth?', 150_000);
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
    expect(text).not.toContain(tuning.url);
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
  // The dialog opens anew, unchecked, before the box is ticked: a tick made as it reopens would be undone.
  await expect(dialog.locator('[data-action="send-training"]')).toBeDisabled();
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
