import type { Browser } from 'playwright-core';
import type { AppServer } from '../../tests/e2e/support/app-server.ts';
import { appStoredOffline } from '../../tests/e2e/support/offline-copy.ts';
import { reportPageErrors } from '../lib/browser.ts';
import { median } from '../app/rates.ts';
import { ask, engineTargets, greedyShort, lastAnswer } from './app-steps.ts';

export interface OfflineStart {
  /** From navigation to the first usable screen (`hearth:interactive`), offline. */
  startMs: number;
  /** From navigation to the first token of an answer painted, offline, the demo model loaded from the asset store. */
  firstTokenMs: number;
}

/**
 * One online visit (the service worker stores the app, one answer stores the demo model), then no
 * network at all — the page offline and the host stopped — and `rounds` cold starts: each a reload,
 * whose chat starts a new engine that loads the model from the asset store. Medians of the rounds.
 */
export async function measureOfflineStart(
  browser: Browser,
  host: AppServer,
  rounds: number,
): Promise<OfflineStart> {
  const context = await browser.newContext();
  // tsx compiles with esbuild's keepNames: functions sent to the page call `__name`.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = await context.newPage();
  reportPageErrors(page);
  try {
    await page.goto(host.url);
    await appStoredOffline(page, 300_000);
    await greedyShort(page, 4);
    await ask(page);

    await context.setOffline(true);
    await host.stop();
    const starts: number[] = [];
    const firstTokens: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const enginesBefore = await engineTargets(page);
      await page.reload();
      await page.waitForFunction(
        () => performance.getEntriesByName('hearth:interactive').length > 0,
        undefined,
        {
          timeout: 60_000,
        },
      );
      starts.push(
        await page.evaluate(() => performance.getEntriesByName('hearth:interactive')[0]!.startTime),
      );
      const answers = await page.locator('hearth-chat-message:not([role-user])').count();
      // Timed in the page: the first frame in which the new answer shows text.
      const painted = page.evaluate(
        (before) =>
          new Promise<number>((resolve) => {
            const look = () => {
              const view = document
                .querySelector('hearth-app')
                ?.shadowRoot?.querySelector('hearth-chat-view');
              const messages =
                view?.shadowRoot?.querySelectorAll('hearth-chat-message:not([role-user])') ?? [];
              const last = messages[messages.length - 1];
              const text = last?.shadowRoot?.querySelector('.markdown')?.textContent ?? '';
              if (messages.length > before && text.trim().length > 0) resolve(performance.now());
              else requestAnimationFrame(look);
            };
            look();
          }),
        answers,
      );
      await page.locator('#message').fill('What is Hearth?');
      await page.locator('#message').press('Enter');
      firstTokens.push(await painted);
      await lastAnswer(page).locator('[data-testid="answer-stats"]').waitFor({ timeout: 120_000 });
      const enginesAfter = await engineTargets(page);
      if (enginesAfter.some((id) => enginesBefore.includes(id)))
        throw new Error('The reloaded page reached the engine of the page before it: not a cold start.');
      const device = await lastAnswer(page).locator('[data-stat="device"]').innerText();
      console.error(
        `[pwa] offline start ${round + 1}: interactive ${starts.at(-1)!.toFixed(0)} ms, first token ${firstTokens.at(-1)!.toFixed(0)} ms (${device})`,
      );
    }
    return { startMs: median(starts), firstTokenMs: median(firstTokens) };
  } finally {
    await context.close();
  }
}
