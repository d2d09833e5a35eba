import type { Page } from '@playwright/test';

/** Opens a harness page from tests/e2e/pages and waits until it has installed `globalThis.harness`. */
export async function openHarness(page: Page, name: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`/tests/e2e/pages/${name}.html`);
  await page
    .waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 60_000 })
    .catch((error: Error) => {
      throw new Error(`${name} harness did not start: ${errors.join('; ') || error.message}`);
    });
}
