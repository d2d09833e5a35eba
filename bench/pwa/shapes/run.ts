import type { Page } from 'playwright-core';
import { reportPageErrors, startBenchBrowser, type BenchBrowser } from '../../lib/browser.ts';
import { settledBrowserPssBytes } from '../../lib/memory.ts';
import { resolve } from 'node:path';
import { median } from '../../app/rates.ts';
import { textOnlyBias } from '../../lib/text-only-bias.ts';
import { collectGarbageEverywhere } from '../collect-garbage.ts';
import type { Asked, Shape } from './shapes-page.ts';

/**
 * `npm run bench:pwa-shapes`: the two shapes of "one engine for every tab", measured alike, one JSON
 * line each — the engine in a SharedWorker (what the app ships), and a leader tab elected with a Web
 * Lock whose dedicated-worker engine the other tabs reach through ports a SharedWorker broker hands
 * over (bench/pwa/shapes/leader-host.ts). Each shape in a browser of its own, three tabs, the
 * SmolLM2-135M-shaped model (BENCH_SHAPES_DTYPE, q4 by default: weights dequantised to fp32) on WASM:
 *
 * - tabs3_vs_1_memory_ratio: summed PSS of the browser with three tabs over one, each tab answered,
 *   after a garbage collection in every JavaScript context.
 * - first_token_ms: a tab's answer to its first token once the model is loaded (median of 3, tab 3).
 * - decode_tok_s: the engine's decode speed (128 tokens), and wasm_threads, the threads it runs on.
 * - host_closed_first_token_ms: the first tab (the one that started the engine — in the leader
 *   shape, the leader) closes; another tab's next answer, to its first token, lost calls retried.
 */
type Harness = {
  create(shape: Shape, buildId: string, dtype: string): void;
  ask(maxTokens: number, logitBias: Record<string, number>): Promise<Asked>;
};
declare const harness: Harness;

const dtype = process.env.BENCH_SHAPES_DTYPE ?? 'q4';
// Every token shows text, so the first token is the first content chunk and answers run to max_tokens.
const bias = textOnlyBias(
  resolve(import.meta.dirname, '../../.models/hearth-bench/smollm2-shaped/resolve/main'),
);
const shapes: Shape[] = ['shared-worker', 'leader-tab'];

for (const shape of shapes) {
  const bench = await startBenchBrowser(Number(process.env.BENCH_PORT ?? 5301), { watch: false });
  try {
    console.log(JSON.stringify({ bench: 'pwa-shapes', shape, dtype, ...(await measure(bench, shape)) }));
  } finally {
    await bench.close();
  }
}

async function measure(bench: BenchBrowser, shape: Shape) {
  const buildId = `${shape}-${Date.now().toString(36)}`;
  const tabs: Page[] = [];
  // One context: tabs of one profile, which share SharedWorkers and locks.
  const context = await bench.browser.newContext();
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const open = async () => {
    const tab = await context.newPage();
    reportPageErrors(tab);
    await tab.goto(`${bench.baseUrl}/bench/pwa/shapes/shapes.html`);
    await tab.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 120_000 });
    await tab.evaluate(([s, b, d]) => harness.create(s as Shape, b, d), [shape, buildId, dtype] as const);
    tabs.push(tab);
    return tab;
  };
  const ask = (tab: Page, maxTokens: number) =>
    tab.evaluate(([n, b]) => harness.ask(n, b), [maxTokens, bias] as const);

  await ask(await open(), 4);
  await collectGarbageEverywhere(bench.browser);
  const oneTab = await settledBrowserPssBytes(9, 500);
  for (let i = 0; i < 2; i++) await ask(await open(), 4);
  await collectGarbageEverywhere(bench.browser);
  const threeTabs = await settledBrowserPssBytes(9, 500);

  const firstTokens: number[] = [];
  for (let i = 0; i < 3; i++) firstTokens.push((await ask(tabs[2]!, 4)).firstChunkMs);
  const decode = await ask(tabs[2]!, 128);

  await tabs[0]!.close();
  const afterClose = await ask(tabs[1]!, 4);
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  console.error(
    `[shapes] ${shape}: one tab ${mb(oneTab)} MiB, three ${mb(threeTabs)} MiB; after the first tab closed: ` +
      `${afterClose.firstChunkMs.toFixed(0)} ms, ${afterClose.retries} lost call(s) retried`,
  );
  return {
    tabs3_vs_1_memory_ratio: Math.round((threeTabs / oneTab) * 100) / 100,
    one_tab_mib: mb(oneTab),
    three_tabs_mib: mb(threeTabs),
    first_token_ms: Math.round(median(firstTokens)),
    decode_tok_s: Math.round(decode.decodeTokS * 10) / 10,
    wasm_threads: decode.threads ?? 0,
    host_closed_first_token_ms: Math.round(afterClose.firstChunkMs),
  };
}
