import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { printResult, startBenchBrowser } from '../lib/browser.ts';
import type { LlmBenchConfig, LlmBenchResult } from './page.ts';

/**
 * `npm run bench:llm`: Hearth's ORT chat engine vs transformers.js on the same SmolLM2-135M-shaped
 * ONNX files (fp32 and q4), WASM with 1 and 2 threads, in one Chromium page, each library in its own
 * worker. Batch 1, greedy, a 512-token prompt then exactly 128 new tokens (EOS suppressed) for both;
 * second-turn time to first token with a 1,000-token history (Hearth only: its prefix cache).
 * Smaller runs while iterating: BENCH_LLM_DTYPES ("fp32,q4"), BENCH_LLM_THREADS ("1,2"),
 * BENCH_LLM_PROMPT (512), BENCH_LLM_NEW (128), BENCH_LLM_HISTORY (1000).
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
  for (const dtype of dtypes) {
    for (const threads of threadCounts) {
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
      printResult({
        bench: 'llm',
        dtype,
        threads,
        ours_prefill_tok_s: round(result.ours_prefill_tok_s),
        transformersjs_prefill_tok_s: round(result.transformersjs_prefill_tok_s),
        ours_decode_tok_s: round(result.ours_decode_tok_s),
        transformersjs_decode_tok_s: round(result.transformersjs_decode_tok_s),
        ratio_prefill: round(result.ours_prefill_tok_s / result.transformersjs_prefill_tok_s),
        ratio_decode: round(result.ours_decode_tok_s / result.transformersjs_decode_tok_s),
        ttft_turn1_ms: round(result.ttft_turn1_ms),
        ttft_turn2_ms: round(result.ttft_turn2_ms),
      });
      console.error(
        `[llm] ${dtype} threads=${threads} prompt=${result.prompt_tokens} new=${newTokens} history=${result.history_tokens} ` +
          `(turn 2 reused ${result.turn2_cached_tokens}) onnxruntime-web: hearth 1.30.0, transformers.js ${result.transformers_ort}`,
      );
    }
  }
} finally {
  await bench.close();
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
