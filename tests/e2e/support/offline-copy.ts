import type { Page } from '@playwright/test';

/**
 * Resolves once the app is stored for offline use: its service worker active, which it becomes only
 * after the install event precached the whole build.
 */
export async function appStoredOffline(page: Page, timeout = 120_000): Promise<void> {
  const deadline = Date.now() + timeout;
  const active = () =>
    page.evaluate(
      async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
    );
  while (!(await active())) {
    if (Date.now() > deadline)
      throw new Error(`The app was not stored for offline use within ${timeout} ms.`);
    await page.waitForTimeout(250);
  }
}
