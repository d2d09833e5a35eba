import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { writeSafetensors } from '../../../src/core/safetensors.ts';

ort.env.wasm.numThreads = 1;

export const demoDir = resolve(
  import.meta.dirname,
  '../../../public/models/hearth-demo/tiny-llama-chat/resolve/main',
);
export const demoConfig = JSON.parse(readFileSync(`${demoDir}/config.json`, 'utf8')) as {
  num_hidden_layers: number;
  num_key_value_heads: number;
  num_attention_heads: number;
  hidden_size: number;
  head_dim?: number;
};

export function demoOnnx(file: 'model.onnx' | 'model_q4.onnx'): Uint8Array {
  return new Uint8Array(readFileSync(`${demoDir}/onnx/${file}`));
}

/** Prefill feeds with an empty KV cache for the tiny demo model. */
export function prefillFeeds(ids: number[]): Record<string, ort.Tensor> {
  const seq = ids.length;
  const kv = demoConfig.num_key_value_heads;
  const headDim = demoConfig.head_dim ?? demoConfig.hidden_size / demoConfig.num_attention_heads;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, seq]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(seq).fill(1n), [1, seq]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, seq]),
  };
  for (let layer = 0; layer < demoConfig.num_hidden_layers; layer++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        kv,
        0,
        headDim,
      ]);
    }
  }
  return feeds;
}

export const cpuTensors = {
  create: (data: Float32Array, dims: [number, number]) => new ort.Tensor('float32', data, dims),
  dispose: (tensor: ort.Tensor) => tensor.dispose(),
};

/** A seeded PEFT adapter for the given modules, as PEFT would save it. */
export function makeAdapter(
  modules: Array<{ module: string; inFeatures: number; outFeatures: number }>,
  rank: number,
  seed = 1,
): Uint8Array {
  let state = seed;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const { module, inFeatures, outFeatures } of modules) {
    tensors[`base_model.model.${module}.lora_A.weight`] = {
      shape: [rank, inFeatures],
      data: Float32Array.from({ length: rank * inFeatures }, random),
    };
    tensors[`base_model.model.${module}.lora_B.weight`] = {
      shape: [outFeatures, rank],
      data: Float32Array.from({ length: outFeatures * rank }, random),
    };
  }
  return writeSafetensors(tensors, { format: 'pt' });
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
