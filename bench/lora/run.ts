/**
 * LoRA overhead on the SmolLM2-135M-shaped q4 model, through the engine's own load path
 * (onnxruntime-web WASM in Node, one thread; 4-bit weights dequantised at load as the engine does
 * on WASM): decode tokens/s of the graph without the LoRA rewrite and of the rewritten graph serving
 * an r=16 adapter on q,k,v,o; the time to switch adapters between requests; the bytes one resident
 * adapter takes. Prints one JSON line. Needs the bench model: `npm run fixtures:bench`.
 */
import { resolve } from 'node:path';
import { EngineAdapters } from '../../src/engines/llm/onnx-decoder/engine-adapters.ts';
import { loadDecoder, type LoadedDecoder } from '../../src/engines/llm/onnx-decoder/load-decoder.ts';
import { writeSafetensors } from '../../src/core/safetensors.ts';
import type { LoraTarget } from '../../src/engines/lora/index.ts';
import { fsModelFiles } from '../../tests/support/fs-model-files.ts';

const root = resolve(import.meta.dirname, '../.models');
const files = fsModelFiles('hearth-bench/smollm2-shaped', { root });
const PROMPT = 64;
const DECODE = Number(process.env.LORA_BENCH_TOKENS ?? 48);
const threads = Number(process.env.LORA_BENCH_THREADS ?? 1);

/** A PEFT adapter with seeded random weights, r=16 on the attention projections. */
function randomAdapter(targets: LoraTarget[], seed: number) {
  let state = seed;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.02;
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const t of targets.filter((t) => ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(t.projection))) {
    tensors[`base_model.model.${t.module}.lora_A.weight`] = {
      shape: [16, t.inFeatures],
      data: Float32Array.from({ length: 16 * t.inFeatures }, random),
    };
    tensors[`base_model.model.${t.module}.lora_B.weight`] = {
      shape: [t.outFeatures, 16],
      data: Float32Array.from({ length: t.outFeatures * 16 }, random),
    };
  }
  return {
    config: { r: 16, lora_alpha: 32, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
    weights: writeSafetensors(tensors),
  };
}

const argmax = (values: Float32Array) => {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Greedy decode of DECODE tokens after a PROMPT-token prefill; decode tokens/s. */
async function decodeRate({ decoder }: LoadedDecoder): Promise<number> {
  decoder.cache.reset();
  let logits = await decoder.forward(Array.from({ length: PROMPT }, (_, i) => (i * 37) % 1000));
  const started = performance.now();
  for (let step = 0; step < DECODE; step++) logits = await decoder.forward([argmax(logits)]);
  return (DECODE / (performance.now() - started)) * 1000;
}

// Both sessions stay loaded and are timed in turns, several rounds, medians compared: this machine's
// speed drifts by more than the difference being measured.
const ROUNDS = Number(process.env.LORA_BENCH_ROUNDS ?? 5);
const plain = await loadDecoder(files, { device: 'wasm', dtype: 'q4', threads, adapters: false });
const loaded = await loadDecoder(files, { device: 'wasm', dtype: 'q4', threads });
const { decoder } = loaded;
const adapters = new EngineAdapters(files.modelId, loaded.loraTargets, await loaded.loraFactory());
const first = adapters.load('bench-a@1', randomAdapter(loaded.loraTargets, 1));
adapters.load('bench-b@1', randomAdapter(loaded.loraTargets, 2));
decoder.extraFeeds = adapters.feeds('bench-a@1');
const baseRates: number[] = [];
const adapterRates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  baseRates.push(await decodeRate(plain));
  adapterRates.push(await decodeRate(loaded));
}
await plain.decoder.release();
const baseRate = median(baseRates);
const adapterRate = median(adapterRates);

// Switch cost: what a request pays to change adapter (choosing its feeds) plus any extra time of the
// first step that runs with them, against a step that keeps the same adapter.
const same: number[] = [];
const switched: number[] = [];
let logits = await decoder.forward([1, 2, 3]);
for (let round = 0; round < 8; round++) {
  let started = performance.now();
  decoder.extraFeeds = adapters.feeds(round % 2 ? 'bench-a@1' : 'bench-b@1');
  logits = await decoder.forward([argmax(logits)]);
  switched.push(performance.now() - started);
  started = performance.now();
  decoder.extraFeeds = adapters.feeds(round % 2 ? 'bench-a@1' : 'bench-b@1');
  logits = await decoder.forward([argmax(logits)]);
  same.push(performance.now() - started);
}
await decoder.release();

console.log(
  JSON.stringify({
    bench: 'lora',
    base_tok_s: Number(baseRate.toFixed(3)),
    adapter_tok_s: Number(adapterRate.toFixed(3)),
    overhead: Number((1 - adapterRate / baseRate).toFixed(4)),
    switch_ms: Number(Math.max(0, median(switched) - median(same)).toFixed(3)),
    adapter_bytes: first.bytes,
  }),
);
console.error(
  `WASM, ${threads} thread(s), q4 dequantised at load (${loaded.quantized ?? 'n/a'}); ${DECODE} decode tokens after a ${PROMPT}-token prompt, ` +
    `median of ${ROUNDS} rounds (base ${baseRates.map((r) => r.toFixed(1)).join(', ')}; adapter ${adapterRates.map((r) => r.toFixed(1)).join(', ')}); ` +
    `switch: median step after a switch ${median(switched).toFixed(2)} ms vs ${median(same).toFixed(2)} ms without`,
);
