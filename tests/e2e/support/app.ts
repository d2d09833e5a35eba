import { expect, type Page } from '@playwright/test';
import { installScriptedEngine, tokenPieces } from '../pages/app-scripted-engine.ts';
import { lastAnswer } from './app-measures.ts';
import { devPort, previewPort } from './ports.ts';

/*
 * What the app specs share: where the servers are, and the few things a person does in the Chat view
 * (ask, wait for the answer, change the conversation's settings, stop an answer being written).
 */

export { devPort, lastAnswer, previewPort };

/** The app on the production build. */
export const app = `http://127.0.0.1:${previewPort}/`;

/** Types `text` into the message box and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  const input = page.locator('#message');
  await input.fill(text);
  await input.press('Enter');
}

/** Sends `text` and waits until its answer has ended (its stats show); returns the answer as rendered. */
export async function ask(page: Page, text: string, timeout = 60_000): Promise<string> {
  const before = await page.locator('hearth-chat-message').count();
  await send(page, text);
  await expect(page.locator('hearth-chat-message')).toHaveCount(before + 2);
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout });
  return lastAnswer(page).locator('.markdown').innerText();
}

/** Opens the conversation's settings, fills the given fields (by id) and saves them. */
export async function openSettings(page: Page, values: Record<string, string>): Promise<void> {
  await page.locator('[data-action="settings"]').click();
  const dialog = page.locator('hearth-chat-settings dialog');
  await expect(dialog).toBeVisible();
  for (const [field, value] of Object.entries(values)) await dialog.locator(`#${field}`).fill(value);
  await dialog.locator('button[type="submit"]').click();
  await expect(dialog).toBeHidden();
}

/**
 * In the page: clicks Stop as soon as the newest answer shows text (or says why it could not). The demo
 * model may end a sampled answer within a few frames, so the click is made from the page, not the test.
 */
async function clickStopWhenWriting(): Promise<string> {
  const view = document
    .querySelector('hearth-app')
    ?.shadowRoot?.querySelector('hearth-chat-view')?.shadowRoot;
  const before = view?.querySelectorAll('hearth-chat-message').length ?? 0;
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const messages = view?.querySelectorAll('hearth-chat-message') ?? [];
    const answer = messages.length > before ? messages[messages.length - 1] : undefined;
    const text = answer?.shadowRoot?.querySelector('.markdown')?.textContent ?? '';
    const stop = view?.querySelector<HTMLButtonElement>('[data-action="stop"]');
    if (text.trim() && stop) {
      stop.click();
      return 'clicked';
    }
    if (text.trim()) return 'the answer ended before Stop could be clicked';
  }
  return 'no answer text within 60 s';
}

type ChatView = HTMLElement & { engine: unknown; realEngine?: unknown };

/**
 * Sends `question` and presses Stop once the first words are on screen. The demo model ends every answer
 * within a few dozen tokens (a few frames), so a scripted stream of 200 pieces stands in for it while it is
 * stopped: the subject is the view's Stop (the engine's own abort is tested through the worker in
 * llm.spec.ts). The chat view's real engine is put back afterwards.
 */
export async function stopAnAnswerBeingWritten(page: Page, question: string): Promise<void> {
  await page.evaluate(() => {
    const view = document
      .querySelector('hearth-app')
      ?.shadowRoot?.querySelector('hearth-chat-view') as ChatView;
    view.realEngine = view.engine;
  });
  await page.evaluate(installScriptedEngine, {
    pieces: tokenPieces('Once upon a time. '.repeat(50)),
    delayMs: 20,
  });
  const stopped = page.evaluate(clickStopWhenWriting);
  await send(page, question);
  expect(await stopped).toBe('clicked');
  await expect(lastAnswer(page).locator('[data-state="stopped"]')).toBeVisible();
  await expect(page.locator('[role="status"]')).toHaveText('Answer stopped.');
  await page.evaluate(() => {
    const view = document
      .querySelector('hearth-app')
      ?.shadowRoot?.querySelector('hearth-chat-view') as ChatView;
    view.engine = view.realEngine;
  });
}

/** Nothing on the page is wider than the window. */
export async function expectFitsWindow(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}
