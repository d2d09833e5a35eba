import { expect, test, type Page } from '@playwright/test';

// The assistant app on the production build (vite preview), driving the bundled demo model.
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;

const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

async function ask(page: Page, text: string) {
  const input = page.locator('#message');
  await input.fill(text);
  await input.press('Enter');
}

async function openSettings(page: Page, values: Record<string, string>) {
  await page.locator('[data-action="settings"]').click();
  const dialog = page.locator('hearth-chat-settings dialog');
  await expect(dialog).toBeVisible();
  for (const [field, value] of Object.entries(values)) await dialog.locator(`#${field}`).fill(value);
  await dialog.locator('button[type="submit"]').click();
  await expect(dialog).toBeHidden();
}

test('ask the demo model: a streamed answer with its stats, stop, regenerate, edit and resend, kept after reload', async ({
  page,
}) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  await ask(page, 'What is Hearth?');
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

  // Stop: a long sampled answer, stopped once it has started.
  await openSettings(page, { max_tokens: '400', temperature: '1' });
  await ask(page, 'Tell me a long story.');
  const streaming = lastAnswer(page);
  await expect(streaming.locator('[data-state="writing"]')).toBeVisible({ timeout: 60_000 });
  await page.locator('[data-action="stop"]').click();
  await expect(streaming.locator('[data-state="stopped"]')).toBeVisible();
  await expect(page.locator('[data-action="send"]')).toBeVisible();

  // Regenerate replaces the last answer.
  await streaming.locator('[data-action="regenerate"]').click();
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('hearth-chat-message')).toHaveCount(4);

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
