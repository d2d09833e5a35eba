import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { hostPageHtml, serveHostPages } from '../../tests/e2e/support/host-pages.ts';

/**
 * `component_kb_gzip` of `npm run bench:pwa`, and the bar its test holds (tests/e2e/hearth-chat.spec.ts):
 * the JavaScript a page fetches for <hearth-chat> before the component is usable, gzipped as a
 * production host serves it.
 *
 * - Usable: its `ready` event, the model loaded and the message box taking messages.
 * - Fetched: the page's own resource timeline (the document's, not its workers'), scripts only, up to
 *   that event, less the workers' entry scripts (`*.worker-<hash>.js`), which the page fetches for its
 *   workers: the engines and the model runtimes (onnxruntime), which run there with their chunks. Nor
 *   is anything fetched later counted: the Markdown renderer (fetched when the first answer streams)
 *   and the lazily loaded agent and MCP chunks.
 * - Gzipped: each file read from `libDir` (the host may not compress, and cross-origin timing entries
 *   carry no sizes) with gzip's default level, in kB of 1,000 bytes, as `shell_kb_gzip` of bench:app.
 *
 * The page embedding it is served from an origin of its own (port 0), in a fresh browser context with
 * service workers blocked: a first visit.
 */
export interface ComponentSize {
  kbGzip: number;
  /** Each script counted: its path under the library and its gzipped bytes. */
  scripts: Array<{ path: string; gzip: number }>;
  /** When `ready` fired, in ms after navigation started. */
  readyMs: number;
}

export interface ComponentSizeOptions {
  browser: Browser;
  /** Where the library is served, ending in `/` (`http://127.0.0.1:4173/lib/`), with the CORS of docs/embedding.md. */
  libBase: string;
  /** The same build on disk (`dist/lib`). */
  libDir: string;
  /** Attributes of the measured element (default: the demo model from the library's own server). */
  attributes?: Record<string, string>;
}

/** Worker entry scripts as the library build names them (`workers/llm.worker.ts` -> `assets/llm.worker-<hash>.js`). */
const workerScript = /\.worker-[\w-]+\.js$/;

export async function measureComponentSize(options: ComponentSizeOptions): Promise<ComponentSize> {
  const host = await serveHostPages();
  const context = await options.browser.newContext({ serviceWorkers: 'block' });
  try {
    host.put('/size.html', {
      body: hostPageHtml({
        title: 'component size',
        libBase: options.libBase,
        chats: [{ id: 'measured', attributes: options.attributes ?? {} }],
      }),
    });
    const page = await context.newPage();
    await page.goto(`${host.origin}/size.html`);
    const readyMs = await page.waitForFunction(
      () => {
        const events = (
          globalThis as { hearthHost?: { events: Array<{ type: string; t: number; detail: unknown }> } }
        ).hearthHost?.events;
        const failed = events?.find((event) => event.type === 'error');
        if (failed) throw new Error(`<hearth-chat> failed: ${JSON.stringify(failed.detail)}`);
        return events?.find((event) => event.type === 'ready')?.t;
      },
      undefined,
      { timeout: 120_000 },
    );
    const readyAt = (await readyMs.jsonValue()) as number;
    const urls = await page.evaluate(
      ([base, until]) =>
        (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
          .filter((entry) => entry.name.startsWith(base) && /\.m?js$/.test(new URL(entry.name).pathname))
          .filter((entry) => entry.startTime <= until)
          .map((entry) => entry.name),
      [options.libBase, readyAt] as const,
    );
    // A worker's own script is fetched by the page (so it is in the page's timeline) but runs in the
    // worker: it is the engine with its model runtime, which the measure leaves out.
    const pageScripts = [...new Set(urls)].filter((url) => !workerScript.test(new URL(url).pathname));
    const scripts = pageScripts.map((url) => {
      const path = url.slice(options.libBase.length);
      return { path, gzip: gzipSync(readFileSync(join(options.libDir, path))).length };
    });
    const kbGzip = Math.round(scripts.reduce((sum, script) => sum + script.gzip, 0) / 100) / 10;
    return { kbGzip, scripts, readyMs: readyAt };
  } finally {
    await context.close();
    await host.close();
  }
}
