import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { printResult } from '../lib/browser.ts';
import { measureDecodeSpeed } from './decode-speed.ts';
import { measureMaskCost } from './mask-cost.ts';

/**
 * `npm run bench:grammar`: decode tokens/s with and without a JSON-schema constraint on the
 * SmolLM2-135M-shaped model (onnxruntime-web WASM in Node, one thread), and the per-token cost of
 * the mask alone with Qwen3's real vocabulary. One JSON line; `overhead` is the extra time per
 * token as a fraction (0.1 = 10%), from timed runs; `mask_overhead` is the same fraction computed
 * from the grammar time measured inside the decode loop. Goal: overhead <= 0.15.
 * BENCH_GRAMMAR_TOKENS (default 128), BENCH_GRAMMAR_ROUNDS (2), BENCH_GRAMMAR_DTYPE (fp32).
 */
const modelsRoot = resolve(import.meta.dirname, '../.models');
const modelId = 'hearth-bench/smollm2-shaped';
const dtype = process.env.BENCH_GRAMMAR_DTYPE ?? 'fp32';
const file = dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`;
if (!existsSync(resolve(modelsRoot, modelId, 'resolve/main/onnx', file))) {
  console.error(
    `No benchmark model ${file} under ${modelsRoot}/${modelId}. Make it with: npm run fixtures:bench`,
  );
  process.exit(1);
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const mask = await measureMaskCost();
console.error(
  `[grammar] qwen3 mask: ${mask.tokens} tokens, compile ${mask.compile_ms.toFixed(0)} ms, per token mask ` +
    `${mask.mask_ms.toFixed(3)} ms + apply ${mask.apply_ms.toFixed(3)} ms + accept ${mask.accept_ms.toFixed(3)} ms ` +
    `(p95 ${mask.p95_total_ms.toFixed(3)} ms)`,
);
const speed = await measureDecodeSpeed({
  modelsRoot,
  modelId,
  dtype,
  tokens: Number(process.env.BENCH_GRAMMAR_TOKENS ?? 128),
  rounds: Number(process.env.BENCH_GRAMMAR_ROUNDS ?? 2),
});
console.error(
  `[grammar] ${modelId} ${dtype}, WASM 1 thread: plain ${speed.plain_tokens} tokens, constrained ${speed.constrained_tokens} ` +
    `tokens; grammar time in the loop ${speed.in_loop_mask_ms.toFixed(3)} ms/token (49,152-token vocabulary)`,
);
printResult({
  bench: 'grammar',
  plain_tok_s: round3(speed.plain_tok_s),
  constrained_tok_s: round3(speed.constrained_tok_s),
  overhead: round3(speed.plain_tok_s / speed.constrained_tok_s - 1),
});
// The same cost from the grammar's own clock, less exposed to a noisy machine than two timed runs.
console.error(
  `[grammar] mask overhead by the grammar's clock ${round3((speed.in_loop_mask_ms * speed.plain_tok_s) / 1000)}; ` +
    `qwen3 per token: mask ${round3(mask.mask_ms)} ms + apply ${round3(mask.apply_ms)} ms + accept ${round3(mask.accept_ms)} ms; dtype ${dtype}`,
);
