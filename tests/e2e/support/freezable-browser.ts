import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from '../chromium.ts';

export interface FreezableBrowser {
  browser: Browser;
  /** The browser's own context: its pages are not kept visible, so they can be frozen. */
  context: BrowserContext;
  /** Freezes a page as the browser does a background tab (`Page.setWebLifecycleState`). */
  freeze(page: Page): Promise<void>;
  resume(page: Page): Promise<void>;
  close(): Promise<void>;
}

/**
 * Chromium started on its own and reached over CDP with `noDefaults`. A page that Playwright
 * launches itself is kept "visible" (focus emulation counts as a capture), and Chromium never
 * freezes a visible page: `Page.setWebLifecycleState('frozen')` then does nothing at all. Pages of
 * this browser's default context are left alone, and freeze as a hidden tab would.
 */
export async function launchFreezableBrowser(): Promise<FreezableBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'hearth-freezable-'));
  const executable = chromiumExecutable();
  if (!executable)
    throw new Error('Freezing pages needs a Chromium binary (CHROMIUM_PATH or /usr/bin/chromium).');
  const chrome = spawn(
    executable,
    [
      '--headless',
      ...chromiumArgs,
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      '--no-first-run',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${output}`)), 30_000);
    chrome.stderr!.on('data', (data: Buffer) => {
      output += data.toString();
      const found = /DevTools listening on (ws:\S+)/.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    chrome.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${output}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  const context = browser.contexts()[0]!;
  const lifecycle = async (page: Page, state: 'frozen' | 'active') => {
    const session = await context.newCDPSession(page);
    await session.send('Page.setWebLifecycleState', { state });
    await session.detach();
  };
  return {
    browser,
    context,
    freeze: (page) => lifecycle(page, 'frozen'),
    resume: (page) => lifecycle(page, 'active'),
    async close() {
      await browser.close().catch(() => undefined);
      chrome.kill();
      await new Promise((resolve) =>
        chrome.exitCode === null ? chrome.once('exit', resolve) : resolve(null),
      );
      // Chromium's helper processes (crashpad, the GPU process) can outlive the browser process by a moment and
      // still write into the profile: a temporary folder left behind is no failure of the test.
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY') throw error;
      }
    },
  };
}
