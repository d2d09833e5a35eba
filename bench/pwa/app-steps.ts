import type { Page } from 'playwright-core';

/** What the benches do in the app, as a person would: the same controls the browser tests use. */

export const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

/** This conversation answers greedily and briefly: the benches time starts and memory, not long answers. */
export async function greedyShort(page: Page, maxTokens = 8): Promise<void> {
  await page.locator('[data-action="settings"]').click();
  await page.locator('hearth-chat-settings #temperature').fill('0');
  await page.locator('hearth-chat-settings #max_tokens').fill(String(maxTokens));
  await page.locator('hearth-chat-settings button[type="submit"]').click();
}

/** Sends a message and waits for the whole answer (its stats line). */
export async function ask(page: Page, text = 'What is Hearth?', timeout = 600_000): Promise<void> {
  await page.locator('#message').fill(text);
  await page.locator('#message').press('Enter');
  await lastAnswer(page).locator('[data-testid="answer-stats"]').waitFor({ timeout });
  const failed = await lastAnswer(page).locator('[role="alert"]').count();
  if (failed > 0) throw new Error(`The app failed to answer: ${await lastAnswer(page).innerText()}`);
}

/** The chat model the app loads from now on (the Models view keeps this choice in localStorage). */
export async function chooseChatModel(
  page: Page,
  choice: { chatModel: string; mirror: string; device: string },
) {
  await page.evaluate((next) => {
    const key = 'hearth:model-choice';
    const current = JSON.parse(localStorage.getItem(key) ?? '{}') as Record<string, unknown>;
    localStorage.setItem(key, JSON.stringify({ embedModel: 'hearth-demo/tiny-embed', ...current, ...next }));
  }, choice);
}

/** The SharedWorker engines alive in the browser (DevTools protocol targets). */
export async function engineTargets(page: Page): Promise<string[]> {
  const session = await page.context().browser()!.newBrowserCDPSession();
  const { targetInfos } = await session.send('Target.getTargets');
  await session.detach();
  return targetInfos
    .filter((target) => target.type === 'shared_worker' && target.url.includes('llm.shared-worker'))
    .map((target) => target.targetId);
}
