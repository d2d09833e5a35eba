import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumExecutable } from '../../tests/e2e/chromium.ts';

export interface BenchBrowser {
  browser: Browser;
  server: ViteDevServer;
  baseUrl: string;
  /** Opens a page under the dev server and waits for `globalThis.harness`. */
  open(path: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts the project's own Vite dev server (same headers as the app: cross-origin isolated, so
 * multi-threaded WASM works) and a headless Chromium with the WebGPU/SwiftShader flags.
 * Extra static roots (such as bench/.models) are served by the dev server because they sit in the repo.
 */
export async function startBenchBrowser(
  port = Number(process.env.BENCH_PORT ?? 5301),
  /** `watch: false`: no file watching and no hot reload, so edits elsewhere in the tree never reload a running bench page. */
  options: { watch?: boolean } = {},
): Promise<BenchBrowser> {
  const server = await createServer({
    server: { port, strictPort: true, ...(options.watch === false ? { hmr: false, watch: null } : {}) },
    logLevel: 'warn',
  });
  await server.listen();
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await launchBenchChromium();
  return {
    browser,
    server,
    baseUrl,
    async open(path: string) {
      const page = await browser.newPage();
      reportPageErrors(page);
      await page.goto(`${baseUrl}${path}`);
      await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 120_000 });
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Headless Chromium with the WebGPU/SwiftShader flags and no background network, as the tests run it. */
export function launchBenchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumExecutable(), args: chromiumArgs, headless: true });
}

/** A page's console errors go to stderr, so a failed run says why. */
export function reportPageErrors(page: Page): void {
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[page] ${message.text()}`);
  });
}

/** Prints one benchmark result as one JSON line, the format every bench script uses. */
export function printResult(result: Record<string, string | number | boolean>): void {
  console.log(JSON.stringify(result));
}
