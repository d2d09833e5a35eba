import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { printResult, startBenchBrowser } from '../lib/browser.ts';
import type { EmbedBenchConfig, EmbedBenchResult } from './page.ts';

/**
 * `npm run bench:embed`: Hearth's embedder vs transformers.js's feature-extraction pipeline, same
 * MiniLM-shaped ONNX file, same passages, batch 32, WASM, 1 and 2 threads, in one Chromium page.
 * BENCH_EMBED_PASSAGES shrinks the run (default 1000); BENCH_EMBED_THREADS picks thread counts ("1,2").
 */
const modelId = 'hearth-bench/minilm-shaped';
const modelDir = resolve(import.meta.dirname, '../.models', modelId, 'resolve/main');
if (!existsSync(resolve(modelDir, 'onnx/model.onnx'))) {
  console.error(`No benchmark model at ${modelDir}. Make it with: npm run fixtures:bench`);
  process.exit(1);
}

const passages = Number(process.env.BENCH_EMBED_PASSAGES ?? 1000);
const threadCounts = (process.env.BENCH_EMBED_THREADS ?? '1,2').split(',').map(Number);
const batchSize = 32;
const VITE_CLIENT_STUB = `
  const hot = { data: {}, accept() {}, acceptExports() {}, dispose() {}, prune() {}, decline() {}, invalidate() {}, on() {}, off() {}, send() {} };
  export const createHotContext = () => hot;
  export const updateStyle = () => {};
  export const removeStyle = () => {};
  export const injectQuery = (url) => url;
  export class ErrorOverlay {}
`;

const bench = await startBenchBrowser(Number(process.env.BENCH_PORT ?? 5222));
type Harness = { harness: { isolated: boolean; run(c: EmbedBenchConfig): Promise<EmbedBenchResult> } };
try {
  // Let Vite transform the workers first: it discovers and pre-bundles their dependencies now,
  // instead of reloading the page (and killing a run) when it meets them mid-benchmark.
  await Promise.all(
    ['/bench/embed/page.ts', '/bench/embed/transformers.worker.ts', '/workers/embed.worker.ts'].map((url) =>
      bench.server.warmupRequest(url),
    ),
  );
  let page = await openBenchPage();
  /** Runs one configuration; if the page was reloaded under it anyway, opens it again (twice at most). */
  const runConfig = async (config: EmbedBenchConfig): Promise<EmbedBenchResult> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await page.evaluate((c) => (globalThis as unknown as Harness).harness.run(c), config);
      } catch (error) {
        if (attempt > 2 || !/context was destroyed|navigation/i.test(String(error))) throw error;
        console.error('[embed] the page was reloaded; running this configuration again');
        await page.close();
        page = await openBenchPage();
      }
    }
  };
  if (!(await page.evaluate(() => (globalThis as unknown as Harness).harness.isolated)))
    throw new Error('The bench page is not cross-origin isolated: WASM threads would be ignored.');
  for (const threads of threadCounts) {
    const config: EmbedBenchConfig = { threads, passages, batchSize, modelId };
    const result = await runConfig(config);
    if (result.ours_threads !== threads)
      throw new Error(`Hearth ran ${result.ours_threads} threads, not ${threads}.`);
    // Same model, same pooling: a larger gap means the two are not computing the same embeddings.
    if (result.max_abs_diff > 1e-3)
      throw new Error(`Vectors differ by ${result.max_abs_diff} between the libraries.`);
    printResult({
      bench: 'embed',
      threads,
      ours_per_s: round(result.ours_per_s),
      transformersjs_per_s: round(result.transformersjs_per_s),
      ratio: round(result.ours_per_s / result.transformersjs_per_s),
    });
    console.error(
      `[embed] threads=${threads} passages=${passages} batch=${batchSize} onnxruntime-web: hearth 1.30.0, transformers.js ${result.transformers_ort}; max |diff| ${result.max_abs_diff.toExponential(2)}`,
    );
  }
} finally {
  await bench.close();
}

/**
 * Like bench.open, but with Vite's HMR client replaced by a stub: the working tree is shared, and an
 * edit anywhere in the page's module graph would otherwise reload the page in the middle of a run.
 */
async function openBenchPage(): Promise<Page> {
  const page = await bench.browser.newPage();
  await page.route('**/@vite/client', (route) =>
    route.fulfill({ contentType: 'text/javascript', body: VITE_CLIENT_STUB }),
  );
  page.on('console', (message) => {
    if (message.type() === 'error') console.error(`[page] ${message.text()}`);
  });
  await page.goto(`${bench.baseUrl}/bench/embed/index.html`);
  await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 120_000 });
  return page;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
