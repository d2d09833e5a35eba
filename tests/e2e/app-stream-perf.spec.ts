import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { app } from './support/app.ts';
import { lastAnswer, streamLongAnswer } from './support/app-measures.ts';

// Streaming must never slow the model: while a long Markdown answer streams into the Chat view
// (production build), no main-thread task may run longer than 50 ms, the final full parse and
// highlighting included.

// Three code blocks of 42-59 lines, a GFM table, nested lists: ~1,500 token-sized pieces.
const longAnswer = readFileSync('tests/fixtures/markdown/long-answer.md', 'utf8');

// One piece every 10 ms is 100 tokens/s: faster than any model this app runs on a laptop today
// (the demo models on WASM decode at tens of tokens/s, SmolLM2-135M fp32 at ~10), so the view is
// tested at a rate above what it meets in use, and every piece arrives in its own task.
const pieceIntervalMs = 10;

test('a long Markdown answer streams with no main-thread task over 50 ms', async ({ page }) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  const run = await streamLongAnswer(page, longAnswer, pieceIntervalMs);
  expect(run.pieces).toBeGreaterThan(1_400);
  console.log(
    JSON.stringify({
      pieces: run.pieces,
      streamed_ms: run.streamedMs,
      long_tasks: run.longTasks.map(Math.round),
    }),
  );
  expect(Math.max(0, ...run.longTasks)).toBeLessThanOrEqual(50);

  // The final render is the whole answer, highlighted: it really did the work measured above.
  const body = lastAnswer(page).locator('.markdown');
  await expect(body.locator('.code-block')).toHaveCount(3);
  await expect(body.locator('.code-block .hljs-keyword').first()).toBeVisible();
  await expect(body.locator('table tr')).toHaveCount(6);
  await expect(body.locator('li ul li, li ol li')).toHaveCount(4);
  await expect(body.locator('h2')).toHaveCount(4);
  const rendered = (await body.locator('.code-block pre').first().textContent()) ?? '';
  expect(rendered.split('\n').length).toBeGreaterThanOrEqual(48);
});
