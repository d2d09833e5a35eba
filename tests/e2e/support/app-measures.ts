import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { installScriptedEngine, tokenPieces } from '../pages/app-scripted-engine.ts';

/*
 * The app's performance measures, shared by its specs (tests/e2e/app-shell.spec.ts,
 * app-stream-perf.spec.ts), which hold them to the bars, and by `npm run bench:app`, which
 * prints them. Each takes a page of the production build already open on the app.
 */

export interface ShellCost {
  /** When the Chat view set `hearth:interactive`, in ms after navigation started. */
  interactiveMs: number;
  /** The JavaScript fetched before that mark, each script gzipped as a production host serves it. */
  scripts: Array<{ path: string; gzip: number }>;
  shellKbGzip: number;
}

/**
 * What the shell costs before the message box is usable. The preview server does not compress, so
 * each script fetched before the mark is gzipped here from `distDir`. Open the page on a cold
 * context (no cache, no service worker) for the number to mean a first visit.
 */
export async function measureShellCost(page: Page, distDir: string): Promise<ShellCost> {
  await page.locator('#message').waitFor({ state: 'visible' });
  await page.waitForFunction(() => performance.getEntriesByName('hearth:interactive').length > 0);
  const { interactiveMs, paths } = await page.evaluate(() => {
    const mark = performance.getEntriesByName('hearth:interactive')[0]!;
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    return {
      interactiveMs: mark.startTime,
      paths: resources
        .filter((r) => /\.m?js$/.test(new URL(r.name).pathname) && r.startTime <= mark.startTime)
        .map((r) => new URL(r.name).pathname),
    };
  });
  const scripts = paths.map((path) => ({ path, gzip: gzipSync(readFileSync(join(distDir, path))).length }));
  const shellKbGzip = scripts.reduce((sum, s) => sum + s.gzip, 0) / 1000;
  return { interactiveMs, scripts, shellKbGzip };
}

export interface LongAnswerRun {
  pieces: number;
  streamedMs: number;
  /** Every main-thread long task (over 50 ms, the browser's own threshold) while it streamed, in ms. */
  longTasks: number[];
}

/**
 * Streams `markdown` into the Chat view as a scripted stream (one token-sized piece every
 * `pieceIntervalMs`, each in its own task) and records the main thread's long tasks until the final
 * full parse and highlighting are done. A short answer goes first: the Markdown renderer's one-time
 * load (fetch and compile, once per visit) is the network's cost, not the streaming's.
 */
export async function streamLongAnswer(
  page: Page,
  markdown: string,
  pieceIntervalMs: number,
): Promise<LongAnswerRun> {
  const input = page.locator('#message');
  await page.evaluate(installScriptedEngine, { pieces: tokenPieces('A **warm-up** answer.'), delayMs: 5 });
  await input.fill('Hello');
  await input.press('Enter');
  await page.locator('hearth-chat-message [data-testid="answer-stats"]').first().waitFor();
  const pieces = tokenPieces(markdown);
  await page.evaluate(installScriptedEngine, { pieces, delayMs: pieceIntervalMs });
  await page.evaluate(() => {
    const durations: number[] = [];
    (window as { __longTasks?: number[] }).__longTasks = durations;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) durations.push(entry.duration);
    }).observe({ type: 'longtask' });
  });
  const started = Date.now();
  await input.fill('How do I keep my notes locally?');
  await input.press('Enter');
  await lastAnswer(page).locator('[data-testid="answer-stats"]').waitFor({ timeout: 90_000 });
  const streamedMs = Date.now() - started;
  // Two frames later every long task of the final parse has been reported.
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  const longTasks = await page.evaluate(() => (window as { __longTasks?: number[] }).__longTasks ?? []);
  return { pieces: pieces.length, streamedMs, longTasks };
}

/** The answer being written, or the last one written. */
export function lastAnswer(page: Page) {
  return page.locator('hearth-chat-message:not([role-user])').last();
}
