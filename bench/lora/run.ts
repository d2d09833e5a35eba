/**
 * LoRA overhead on the SmolLM2-135M-shaped q4 model (onnxruntime-web WASM, Node, one thread):
 * decode tokens/s of the original graph and of the rewritten graph serving an r=16 adapter on
 * q,k,v,o (so the cost of the rewrite itself is included), the time to switch adapters between
 * requests, and the bytes one resident adapter takes. Prints one JSON line.
 *
 * Needs the bench model: `npm run fixtures:bench`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import {
  AdapterRegistry,
  preparePeftAdapter,
  rewriteForLora,
  type LoraTarget,
} from '../../src/engines/lora/index.ts';
import { makeAdapter } from '../../tests/unit/lora/support.ts';

const dir = resolve(import.meta.dirname, '../.models/hearth-bench/smollm2-shaped/resolve/main');
const config = JSON.parse(readFileSync(`${dir}/config.json`, 'utf8')) as {
  num_hidden_layers: number;
  num_key_value_heads: number;
  head_dim: number;
};
const PROMPT = 32;
const DECODE = Number(process.env.LORA_BENCH_TOKENS ?? 24);
ort.env.wasm.numThreads = Number(process.env.LORA_BENCH_THREADS ?? 1);

type Feeds = Record<string, ort.Tensor>;

function stepFeeds(ids: number[], past: number, cache: Feeds | null): Feeds {
  const seq = ids.length;
  const feeds: Feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, seq]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(past + seq).fill(1n), [1, past + seq]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(past + i))), [1, seq]),
  };
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    for (const kind of ['key', 'value'] as const) {
      feeds[`past_key_values.${layer}.${kind}`] =
        cache?.[`present.${layer}.${kind}`] ??
        new ort.Tensor('float32', new Float32Array(0), [1, config.num_key_value_heads, 0, config.head_dim]);
    }
  }
  return feeds;
}

/** Greedy decode of DECODE tokens after a PROMPT-token prefill; returns decode tokens/s. */
async function decodeRate(session: ort.InferenceSession, extra: () => Feeds): Promise<number> {
  const prompt = Array.from({ length: PROMPT }, (_, i) => (i * 37) % 1000);
  let out = await session.run({ ...stepFeeds(prompt, 0, null), ...extra() });
  let past = PROMPT;
  const started = performance.now();
  for (let step = 0; step < DECODE; step++) {
    const logits = out.logits!.data as Float32Array;
    const vocab = out.logits!.dims[2]!;
    let best = 0;
    const last = logits.subarray(logits.length - vocab);
    for (let i = 1; i < vocab; i++) if (last[i]! > last[best]!) best = i;
    out = await session.run({ ...stepFeeds([best], past, out), ...extra() });
    past += 1;
  }
  return (DECODE / (performance.now() - started)) * 1000;
}

const cpu = {
  create: (data: Float32Array, dims: [number, number]) => new ort.Tensor('float32', data, dims),
  dispose: (tensor: ort.Tensor) => tensor.dispose(),
};

function adapterOn(targets: LoraTarget[], seed: number) {
  const attention = targets.filter((t) => ['q_proj', 'k_proj', 'v_proj', 'o_proj'].includes(t.projection));
  return preparePeftAdapter(
    {
      config: { r: 16, lora_alpha: 32, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
      weights: makeAdapter(attention, 16, seed),
    },
    { modelId: 'hearth-bench/smollm2-shaped', targets },
  );
}

const original = new Uint8Array(readFileSync(`${dir}/onnx/model_q4.onnx`));
const base = await ort.InferenceSession.create(original);
const baseRate = await decodeRate(base, () => ({}));
await base.release();

const rewriteStarted = performance.now();
const { model, targets } = rewriteForLora(original);
const rewriteMs = performance.now() - rewriteStarted;
const session = await ort.InferenceSession.create(model);
const registry = new AdapterRegistry(targets, cpu);
const first = registry.load('bench-a@1', adapterOn(targets, 1), 'a');
registry.load('bench-b@1', adapterOn(targets, 2), 'b');
const adapterRate = await decodeRate(session, () => registry.feeds('bench-a@1'));

// Switch cost: a one-token step right after changing adapter, against the same step without a change.
const probe = [11, 12, 13, 14];
const timeStep = async (ref: string) => {
  const started = performance.now();
  await session.run({ ...stepFeeds(probe, 0, null), ...registry.feeds(ref) });
  return performance.now() - started;
};
const same: number[] = [];
const switched: number[] = [];
for (let round = 0; round < 5; round++) {
  await timeStep('bench-a@1');
  same.push(await timeStep('bench-a@1'));
  switched.push(await timeStep('bench-b@1'));
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

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
  `rewrite of the ${(original.byteLength / 1e6).toFixed(0)} MB graph: ${rewriteMs.toFixed(0)} ms; threads ${ort.env.wasm.numThreads}; ${DECODE} decode tokens after a ${PROMPT}-token prompt`,
);
