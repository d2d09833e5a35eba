import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { printResult, startBenchBrowser } from '../lib/browser.ts';
import type { LlmBenchConfig, LlmBenchResult } from './page.ts';

/**
 * `npm run bench:llm`: Hearth's ORT chat engine vs transformers.js on the same SmolLM2-135M-shaped
 * ONNX files (fp32 and q4), WASM with 1 and 2 threads, in one Chromium page, each library in its own
 * worker. Batch 1, greedy, a 512-token prompt then exactly 128 new tokens (EOS suppressed) for both;
 * second-turn time to first token with a 1,000-token history (Hearth only: its prefix cache).
 * Every configuration runs BENCH_LLM_ROUNDS times (default 3), the configurations interleaved round
 * by round (single runs on a shared machine vary by 30%); each line holds the medians. q4 lines add
 * `q4_vs_fp32_decode` (Hearth's q4 decode / its fp32 decode, same threads, same session) and
 * `weights_vs_file` (the weights' bytes in memory / in the file, as the engine reports them).
 * Smaller runs while iterating: BENCH_LLM_DTYPES ("fp32,q4"), BENCH_LLM_THREADS ("1,2"),
 * BENCH_LLM_PROMPT (512), BENCH_LLM_NEW (128), BENCH_LLM_HISTORY (1000), BENCH_LLM_ROUNDS (3).
 */
const modelId = 'hearth-bench/smollm2-shaped';
const modelDir = resolve(import.meta.dirname, '../.models', modelId, 'resolve/main');
if (
  !existsSync(resolve(modelDir, 'onnx/model.onnx')) ||
  !existsSync(resolve(modelDir, 'onnx/model_q4.onnx'))
) {
  console.error(`No benchmark model at ${modelDir}. Make it with: npm run fixtures:bench`);
  process.exit(1);
}

const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(',').map((s) => s.trim());
const dtypes = list('BENCH_LLM_DTYPES', 'fp32,q4') as Array<'fp32' | 'q4'>;
const threadCounts = list('BENCH_LLM_THREADS', '1,2').map(Number);
const promptTokens = Number(process.env.BENCH_LLM_PROMPT ?? 512);
const newTokens = Number(process.env.BENCH_LLM_NEW ?? 128);
const historyTokens = Number(process.env.BENCH_LLM_HISTORY ?? 1000);
const rounds = Number(process.env.BENCH_LLM_ROUNDS ?? 3);
// BENCH_LLM_HEARTH_ONLY=1 skips transformers.js (its columns print null): for main-vs-branch comparisons.
const hearthOnly = process.env.BENCH_LLM_HEARTH_ONLY === '1';

const bench = await startBenchBrowser(Number(process.env.BENCH_PORT ?? 5242), { watch: false });

/**
 * The dev server reloads the page when any source file changes (other work in the same tree): such
 * a run says nothing about speed, so it is run again on a fresh page, up to twice.
 */
async function runConfig(config: LlmBenchConfig): Promise<LlmBenchResult> {
  for (let attempt = 1; ; attempt++) {
    const page = await bench.open('/bench/llm/index.html');
    try {
      return await page.evaluate(
        (c) =>
          (
            globalThis as unknown as { harness: { run(c: LlmBenchConfig): Promise<LlmBenchResult> } }
          ).harness.run(c),
        config,
      );
    } catch (error) {
      if (attempt >= 3 || !/Execution context was destroyed|Target .* closed/.test(String(error)))
        throw error;
      console.error(
        `[llm] the page reloaded during ${config.dtype} threads=${config.threads}; running it again`,
      );
    } finally {
      await page.close().catch(() => undefined);
    }
  }
}

try {
  const page = await bench.open('/bench/llm/index.html');
  const isolated = await page.evaluate(
    () => (globalThis as unknown as { harness: { isolated: boolean } }).harness.isolated,
  );
  if (!isolated)
    throw new Error('The bench page is not cross-origin isolated: WASM threads would be ignored.');
  await page.close();
  const results = new Map<string, LlmBenchResult[]>();
  const key = (dtype: string, threads: number) => `${dtype}/${threads}`;
  for (let round = 0; round < rounds; round++) {
    for (const threads of threadCounts) {
      for (const dtype of dtypes) {
        const config: LlmBenchConfig = {
          modelId,
          dtype,
          threads,
          promptTokens,
          newTokens,
          historyTokens,
          hearthOnly,
        };
        const result = await runConfig(config);
        if (result.ours_threads !== threads)
          throw new Error(`Hearth ran ${result.ours_threads} threads, not ${threads}.`);
        if (
          result.ours_new_tokens !== newTokens ||
          (!hearthOnly && result.transformersjs_new_tokens !== newTokens)
        ) {
          throw new Error(
            `New tokens: Hearth ${result.ours_new_tokens}, transformers.js ${result.transformersjs_new_tokens}, not ${newTokens}.`,
          );
        }
        results.set(key(dtype, threads), [...(results.get(key(dtype, threads)) ?? []), result]);
        console.error(
          `[llm] round ${round + 1}/${rounds} ${dtype} threads=${threads} (${result.ours_weights_path}): ` +
            `prefill ${round2(result.ours_prefill_tok_s)} tok/s, decode ${round2(result.ours_decode_tok_s)} tok/s ` +
            `(transformers.js ${round2(result.transformersjs_decode_tok_s)}); prompt=${result.prompt_tokens} ` +
            `new=${newTokens} history=${result.history_tokens} (turn 2 reused ${result.turn2_cached_tokens}); ` +
            `onnxruntime-web: hearth 1.30.0, transformers.js ${result.transformers_ort}; weights in memory ` +
            `${mib(result.ours_weights_resident)} MiB for ${mib(result.ours_weights_file)} MiB in the file` +
            (Number.isNaN(result.ours_load_peak)
              ? ''
              : `, peak during load ${mib(result.ours_load_peak)} MiB (files + heap)`),
        );
      }
    }
  }
  for (const dtype of dtypes) {
    for (const threads of threadCounts) {
      const runs = results.get(key(dtype, threads))!;
      const median = (pick: (r: LlmBenchResult) => number) => round2(medianOf(runs.map(pick)));
      const line: Record<string, string | number | boolean> = {
        bench: 'llm',
        dtype,
        threads,
        ours_prefill_tok_s: median((r) => r.ours_prefill_tok_s),
        transformersjs_prefill_tok_s: median((r) => r.transformersjs_prefill_tok_s),
        ours_decode_tok_s: median((r) => r.ours_decode_tok_s),
        transformersjs_decode_tok_s: median((r) => r.transformersjs_decode_tok_s),
        ratio_prefill: median((r) => r.ours_prefill_tok_s / r.transformersjs_prefill_tok_s),
        ratio_decode: median((r) => r.ours_decode_tok_s / r.transformersjs_decode_tok_s),
        ttft_turn1_ms: median((r) => r.ttft_turn1_ms),
        ttft_turn2_ms: median((r) => r.ttft_turn2_ms),
      };
      const fp32 = results.get(key('fp32', threads));
      if (dtype === 'q4') {
        // Round by round (the two ran back to back), then the median of the ratios.
        if (fp32)
          line.q4_vs_fp32_decode = round2(
            medianOf(runs.map((r, i) => r.ours_decode_tok_s / fp32[i]!.ours_decode_tok_s)),
          );
        line.weights_vs_file = median((r) => r.ours_weights_resident / r.ours_weights_file);
      }
      printResult(line);
    }
  }
} finally {
  await bench.close();
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
