import type { Page } from '@playwright/test';

/**
 * Resolves once the app is stored for offline use: its service worker active, which it becomes only
 * after the install event precached the whole build.
 */
export async function appStoredOffline(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    async () => (await navigator.serviceWorker.getRegistration())?.active?.state === 'activated',
    undefined,
    { timeout, polling: 250 },
  );
}
