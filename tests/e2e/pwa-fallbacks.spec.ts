import { resolve } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from './chromium.ts';
import { startAppServer } from './support/app-server.ts';

// What the app does where a browser lacks what it prefers, simulated in Chromium: no WebGPU (no
// adapter), no origin-private file system (models go to the Cache API), no SharedArrayBuffer (a host
// without COOP/COEP: WASM on one thread). Each is a working app that says why it runs as it does.
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;
const webgpuFlags = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

/** The app answers (greedy, short), and says which device it ran on. */
async function answers(page: Page, origin: string) {
  await page.goto(origin);
  await page.locator('[data-action="settings"]').click();
  await page.locator('hearth-chat-settings #temperature').fill('0');
  await page.locator('hearth-chat-settings #max_tokens').fill('16');
  await page.locator('hearth-chat-settings button[type="submit"]').click();
  await page.locator('#message').fill('What is Hearth?');
  await page.locator('#message').press('Enter');
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 90_000 });
  await expect(lastAnswer(page).locator('.markdown')).not.toBeEmpty();
  return lastAnswer(page).locator('[data-testid="answer-stats"]').innerText();
}

async function withBrowser(
  args: string[],
  run: (page: Page) => Promise<void>,
  options: { serviceWorkers?: 'block' } = {},
) {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args });
  try {
    const context = await browser.newContext(options);
    await run(await context.newPage());
  } finally {
    await browser.close();
  }
}

test('no WebGPU: the model runs on WASM, and the app says why', async () => {
  await withBrowser(
    chromiumArgs.filter((arg) => !webgpuFlags.includes(arg)),
    async (page) => {
      expect(await answers(page, app)).toContain('WASM');
      await page.goto(`${app}#/device`);
      await expect(page.locator('[data-field="webgpu"]')).toHaveText(
        'The browser offers WebGPU but returned no adapter (no usable GPU).',
      );
      await page.goto(`${app}#/models`);
      await expect(page.locator('[data-testid="auto-reason"]')).toContainText('Auto picks WASM here');
    },
  );
});

test('no origin-private file system: models are kept in the Cache API, and the app says so', async () => {
  await withBrowser(
    [...chromiumArgs, '--disable-blink-features=FileSystemAccessOriginPrivate'],
    async (page) => {
      await answers(page, app);
      await page.goto(`${app}#/device`);
      await expect(page.locator('[data-field="model-storage"]')).toHaveAttribute('data-kind', 'cache-api');
      await expect(page.locator('[data-field="model-storage"]')).toContainText(
        'this browser offers no private file system',
      );
      // The model's files are in the Cache API, and there is no file system to hold them.
      const kept = await page.evaluate(async () => ({
        opfs: typeof navigator.storage.getDirectory,
        cached: await Promise.all(
          (await caches.keys()).map(async (name) =>
            (await (await caches.open(name)).keys()).map((r) => r.url),
          ),
        ),
      }));
      expect(kept.opfs).toBe('undefined');
      expect(
        kept.cached
          .flat()
          .some(
            (url) => url.includes('tiny-llama-chat') && /\/data\/onnx%252Fmodel\w*\.onnx\?part=0$/.test(url),
          ),
      ).toBe(true);
    },
  );
});

test('no SharedArrayBuffer (a host without COOP/COEP): WASM runs on one thread, and the app says why', async () => {
  const host = await startAppServer(resolve('dist'), { isolation: false });
  try {
    // No service worker either: it would add the headers the host leaves out.
    await withBrowser(
      chromiumArgs,
      async (page) => {
        await answers(page, host.url);
        expect(await page.evaluate(() => [crossOriginIsolated, typeof SharedArrayBuffer])).toEqual([
          false,
          'undefined',
        ]);
        await page.goto(`${host.url}/#/device`);
        await expect(page.locator('[data-field="wasm-threads"]')).toHaveText(
          '1: This page is not cross-origin isolated (the host sends no COOP/COEP headers), so SharedArrayBuffer is off: WASM runs on one thread.',
        );
      },
      { serviceWorkers: 'block' },
    );
  } finally {
    await host.stop();
  }
});
