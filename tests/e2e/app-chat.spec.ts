import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { installScriptedEngine, tokenPieces } from './pages/app-scripted-engine.ts';
import { app, lastAnswer, openSettings, send, stopAnAnswerBeingWritten } from './support/app.ts';

// The assistant app on the production build (vite preview), driving the bundled demo model.

test('ask the demo model: a streamed answer with its stats, stop, regenerate, edit and resend, kept after reload', async ({
  page,
}) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  await send(page, 'What is Hearth?');
  await expect(page).toHaveURL(/#\/chat\/[\w-]+$/);
  const answer = lastAnswer(page);
  await expect(answer.locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 60_000 });
  await expect(answer.locator('.markdown')).not.toBeEmpty();
  await expect(answer.locator('[data-stat="model"]')).toHaveText('hearth-demo/tiny-llama-chat');
  await expect(answer.locator('[data-stat="device"]')).toHaveText(/WASM|WebGPU/);
  await expect(answer.locator('[data-stat="speed"]')).toHaveText(/\d+\.\d tokens\/s/);
  await expect(answer.locator('[data-stat="ttft"]')).toHaveText(/first token \d+ ms/);
  await expect(answer.locator('[data-stat="cached"]')).toHaveText(/\d+ of \d+ prompt tokens cached/);
  await expect(page.locator('[data-testid="context-meter"] meter')).toBeVisible();
  await expect(page.locator('[role="status"]')).toHaveText(/^Answer ready: /);
  const firstText = await answer.locator('.markdown').innerText();

  // Stop, once the first words are on screen; the demo model answers again after it.
  await stopAnAnswerBeingWritten(page, 'Tell me a long story.');
  const streaming = lastAnswer(page);
  await expect(page.locator('[data-action="send"]')).toBeVisible();

  // Regenerate replaces the last answer, from the demo model again.
  await streaming.locator('[data-action="regenerate"]').click();
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('hearth-chat-message')).toHaveCount(4);
  await expect(lastAnswer(page).locator('[data-stat="model"]')).toHaveText('hearth-demo/tiny-llama-chat');

  // Edit the first question and resend: what came after it is replaced by one new answer.
  await openSettings(page, { max_tokens: '32', temperature: '0' });
  const first = page.locator('hearth-chat-message[role-user]').first();
  await first.locator('[data-action="edit"]').click();
  await first.locator('textarea').fill('What is Hearth, briefly?');
  await first.getByRole('button', { name: 'Send edited message' }).click();
  await expect(page.locator('hearth-chat-message')).toHaveCount(2);
  await expect(page.locator('hearth-chat-message').first()).toContainText('What is Hearth, briefly?');
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 60_000 });

  await page.reload();
  await expect(page.locator('hearth-chat-message')).toHaveCount(2);
  await expect(page.locator('hearth-chat-message').first()).toContainText('What is Hearth, briefly?');
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible();
  expect(firstText.length).toBeGreaterThan(0);
});

async function scriptedChat(page: Page, question: string, answer: string) {
  await page.evaluate(installScriptedEngine, { pieces: tokenPieces(answer), delayMs: 1 });
  await page.locator('[data-action="new-chat"]').click();
  await send(page, question);
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible();
}

test('conversations: rename, delete and search', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(app);
  await scriptedChat(page, 'Plan a trip to Lisbon', 'Start at **Alfama**, then take tram 28.');
  await scriptedChat(page, 'Explain IndexedDB', 'A transactional store of *objects* in the browser.');
  await scriptedChat(page, 'Bake bread', 'Flour, water, salt and time.');
  const chats = page.locator('hearth-conversation-list li');
  await expect(chats).toHaveCount(3);
  await expect(chats.first()).toContainText('Bake bread');

  const search = page.locator('input[type="search"]');
  await search.fill('tram');
  await expect(chats).toHaveCount(1);
  await expect(chats.first()).toContainText('Plan a trip to Lisbon');
  await search.fill('nothing like this');
  await expect(chats).toHaveCount(0);
  await expect(page.locator('hearth-conversation-list')).toContainText('No chat matches your search.');
  await search.fill('');

  await page.getByRole('button', { name: 'Rename Explain IndexedDB' }).click();
  const rename = page.locator('hearth-conversation-list .rename input');
  await rename.fill('Browser storage');
  await rename.press('Enter');
  await expect(chats.filter({ hasText: 'Browser storage' })).toHaveCount(1);

  await page.getByRole('button', { name: 'Delete Bake bread' }).click();
  await page.locator('[data-action="confirm-delete"]').click();
  await expect(chats).toHaveCount(2);
  await expect(chats.filter({ hasText: 'Bake bread' })).toHaveCount(0);

  await page.reload();
  await expect(chats).toHaveCount(2);
  await expect(chats.filter({ hasText: 'Browser storage' })).toHaveCount(1);
  await chats.filter({ hasText: 'Plan a trip to Lisbon' }).locator('button.open').click();
  await expect(lastAnswer(page).locator('.markdown strong')).toHaveText('Alfama');
});

test('export as JSON and Markdown, import both into a fresh profile', async ({ page, browser }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(app);
  await openSettings(page, { system: 'Answer like a tour guide.', temperature: '0.3' });
  await page.evaluate(installScriptedEngine, {
    pieces: tokenPieces('## Day one\n\n- Alfama\n- Tram 28'),
    delayMs: 1,
  });
  await send(page, 'Plan a day in Lisbon');
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible();

  const exported: Record<string, string> = {};
  for (const kind of ['json', 'md'] as const) {
    await page.locator('details.menu summary').click();
    const download = page.waitForEvent('download');
    await page.locator(`[data-action="export-${kind}"]`).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`plan-a-day-in-lisbon.${kind}`);
    exported[kind] = await file.path().then((path) => readFileSync(path, 'utf8'));
  }
  expect(JSON.parse(exported.json!)).toMatchObject({
    format: 'hearth-conversation',
    conversation: { systemPrompt: 'Answer like a tour guide.', sampling: { temperature: 0.3 } },
  });
  expect(exported.md).toContain('## Assistant\n\n## Day one\n\n- Alfama\n- Tram 28');

  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.setViewportSize({ width: 1280, height: 800 });
  await other.goto(app);
  await expect(other.locator('hearth-conversation-list li')).toHaveCount(0);
  for (const [kind, text] of Object.entries(exported)) {
    await other.locator('#import').setInputFiles({
      name: `lisbon.${kind}`,
      mimeType: kind === 'json' ? 'application/json' : 'text/markdown',
      buffer: Buffer.from(text),
    });
    await expect(other.locator('hearth-chat-message')).toHaveCount(2);
    await expect(other.locator('hearth-chat-message[role-user]')).toHaveText(/Plan a day in Lisbon/);
    await expect(lastAnswer(other).locator('.markdown h2')).toHaveText('Day one');
    await expect(lastAnswer(other).locator('.markdown li')).toHaveText(['Alfama', 'Tram 28']);
  }
  await expect(other.locator('hearth-conversation-list li')).toHaveCount(2);
  // The JSON import keeps the settings too.
  await other.locator('hearth-conversation-list li').last().locator('button.open').click();
  await other.locator('[data-action="settings"]').click();
  await expect(other.locator('hearth-chat-settings #system')).toHaveValue('Answer like a tour guide.');

  // A file that is not an export is refused in words.
  await other.keyboard.press('Escape');
  await other
    .locator('#import')
    .setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"a":1}') });
  await expect(other.locator('.notice')).toContainText('not a Hearth conversation export');
  await fresh.close();
});
