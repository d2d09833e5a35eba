import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { printResult, startBenchBrowser } from '../lib/browser.ts';
import { browserPssBytes, settledBrowserPssBytes } from '../lib/memory.ts';
import type { LargeLoadResult, LargeRunResult } from './page.ts';

/**
 * `npm run bench:llm-large`: the Qwen2.5-0.5B-shaped 4-bit model (24 layers, hidden 896, vocab 151,936,
 * tied embeddings; weights in external data) on WASM in Chromium, 1 and 2 threads, Hearth's engine
 * alone. Per thread count, BENCH_LLM_LARGE_ROUNDS (default 3) fresh loads, interleaved, each followed
 * by a greedy generation of BENCH_LLM_LARGE_NEW (64) tokens after a BENCH_LLM_LARGE_PROMPT (256) token
 * prompt; the line holds the medians: prefill and decode tokens/s, the weights' heap bytes as the
 * engine reports them (MiB) and the load time. On stderr: the peak of the browser's memory during the
 * load over its level before (bench/lib/memory.ts), and the engine's own peak (files + heap).
 * Make the model first: npm run fixtures:bench-large.
 */
const modelId = 'hearth-bench/qwen2.5-0.5b-shaped';
const modelDir = resolve(import.meta.dirname, '../.models', modelId, 'resolve/main');
if (
  !existsSync(resolve(modelDir, 'onnx/model_q4.onnx')) ||
  !existsSync(resolve(modelDir, 'onnx/model_q4.onnx_data'))
) {
  console.error(`No benchmark model at ${modelDir}. Make it with: npm run fixtures:bench-large`);
  process.exit(1);
}
const rounds = Number(process.env.BENCH_LLM_LARGE_ROUNDS ?? 3);
const promptTokens = Number(process.env.BENCH_LLM_LARGE_PROMPT ?? 256);
const newTokens = Number(process.env.BENCH_LLM_LARGE_NEW ?? 64);
const threadCounts = (process.env.BENCH_LLM_LARGE_THREADS ?? '1,2').split(',').map(Number);

interface Harness {
  load(options: { modelId: string; threads: number }): Promise<LargeLoadResult>;
  generate(options: { modelId: string; promptTokens: number; newTokens: number }): Promise<LargeRunResult>;
  dispose(): void;
  isolated: boolean;
}

const bench = await startBenchBrowser(Number(process.env.BENCH_PORT ?? 5242), { watch: false });
try {
  const results = new Map<number, Array<LargeLoadResult & LargeRunResult & { peakPss: number }>>();
  for (let round = 0; round < rounds; round++) {
    for (const threads of threadCounts) {
      const page = await bench.open('/bench/llm-large/index.html');
      try {
        if (!(await page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.isolated)))
          throw new Error('The bench page is not cross-origin isolated: WASM threads would be ignored.');
        const before = await settledBrowserPssBytes();
        let peak = before;
        // One reading walks every Chromium process's smaps (200-300 ms with a 4 GiB WebAssembly memory
        // on a loaded machine), on the thread that also runs the dev server serving the model: each
        // reading waits at least as long as the last took, so serving gets at least half the time.
        let sampling = true;
        let sampler: ReturnType<typeof setTimeout> | undefined;
        const sample = () => {
          const started = performance.now();
          peak = Math.max(peak, browserPssBytes());
          if (sampling) sampler = setTimeout(sample, Math.max(50, performance.now() - started));
        };
        sampler = setTimeout(sample, 50);
        let loaded: LargeLoadResult;
        try {
          loaded = await page.evaluate(
            (o) => (globalThis as unknown as { harness: Harness }).harness.load(o),
            { modelId, threads },
          );
        } finally {
          sampling = false;
          clearTimeout(sampler);
        }
        peak = Math.max(peak, browserPssBytes());
        if (loaded.threads !== threads)
          throw new Error(`Hearth ran ${loaded.threads} threads, not ${threads}.`);
        const run = await page.evaluate(
          (o) => (globalThis as unknown as { harness: Harness }).harness.generate(o),
          { modelId, promptTokens, newTokens },
        );
        if (run.newTokens !== newTokens) throw new Error(`${run.newTokens} new tokens, not ${newTokens}.`);
        await page.evaluate(() => (globalThis as unknown as { harness: Harness }).harness.dispose());
        results.set(threads, [
          ...(results.get(threads) ?? []),
          { ...loaded, ...run, peakPss: peak - before },
        ]);
        const w = loaded.weights;
        console.error(
          `[llm-large] round ${round + 1}/${rounds} threads=${threads} (${w?.path}, ${w?.simd} SIMD): load ${Math.round(loaded.loadMs)} ms, ` +
            `prefill ${run.prefillTokS.toFixed(2)} tok/s (${run.promptTokens} tokens), decode ${run.decodeTokS.toFixed(2)} tok/s; ` +
            `weights ${mib(w?.residentBytes)} MiB in the heap for ${mib(w?.fileBytes)} MiB in the files; ` +
            `peak during load: browser +${mib(peak - before)} MiB (PSS), engine ${mib(w?.peakLoadBytes)} MiB (files + heap)`,
        );
      } finally {
        await page.close().catch(() => undefined);
      }
    }
  }
  for (const threads of threadCounts) {
    const runs = results.get(threads)!;
    const median = (pick: (r: (typeof runs)[number]) => number) => medianOf(runs.map(pick));
    printResult({
      bench: 'llm-large',
      model: 'qwen2.5-0.5b-shaped',
      dtype: 'q4',
      threads,
      prefill_tok_s: round2(median((r) => r.prefillTokS)),
      decode_tok_s: round2(median((r) => r.decodeTokS)),
      weights_mb: round2(median((r) => r.weights?.residentBytes ?? Number.NaN) / 2 ** 20),
      load_ms: Math.round(median((r) => r.loadMs)),
    });
    console.error(
      `[llm-large] threads=${threads}: median peak during load, browser +${mib(median((r) => r.peakPss))} MiB (PSS)`,
    );
  }
} finally {
  await bench.close();
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? '?' : (bytes / 2 ** 20).toFixed(0);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
