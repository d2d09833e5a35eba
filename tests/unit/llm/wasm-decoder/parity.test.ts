import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineAdapters } from '../../../../src/engines/llm/onnx-decoder/engine-adapters.ts';
import {
  loadDecoder,
  type DecoderLoadOptions,
} from '../../../../src/engines/llm/onnx-decoder/load-decoder.ts';
import { loadOrtChatEngine } from '../../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { argmax } from '../../../../src/engines/llm/sampling/sampler.ts';
import { fsModelFiles } from '../../../support/fs-model-files.ts';
import { nodePoolWorker } from '../../../support/node-pool-worker.ts';
import { loadChatReference, tinyChatModelId } from '../reference.ts';
import { checkAgainstPyTorch, MIN_TIGHT_SHARE, floatBound, maxAbsDiff, topTwoMargin } from './tolerance.ts';

const reference = loadChatReference();
const fixtures = resolve(import.meta.dirname, '../../../fixtures');
const lora = JSON.parse(readFileSync(`${fixtures}/reference/tiny-llama-chat-lora.json`, 'utf8')) as {
  conversation: Array<{ ids: number[] }>;
  q4: {
    base: number[][];
    base_act8: number[][];
    adapters: Record<string, number[][]>;
    adapters_act8: Record<string, number[][]>;
  };
};

/** Prefill the reference prompt, then feed q4's tokens one by one: the logits of every step. */
async function teacherForced(options: DecoderLoadOptions): Promise<Float32Array[]> {
  const { decoder, weights } = await loadDecoder(fsModelFiles(tinyChatModelId), {
    device: 'wasm',
    dtype: 'q4',
    wasmQuantized: 'kernel',
    threads: 1,
    ...options,
  });
  expect(weights.path).toBe('wasm-q4');
  const steps: Float32Array[] = [];
  try {
    for (let step = 0; step < reference.q4.logits.length; step++)
      steps.push(await decoder.forward(step === 0 ? reference.prompt.ids : [reference.q4.tokens[step - 1]!]));
  } finally {
    await decoder.release();
  }
  return steps;
}

describe('the WASM decoder (4-bit weights x 8-bit activations) against PyTorch, tiny model', () => {
  // Bounds and their derivation: ./tolerance.ts.
  it('prefill and 20 steps: within the int8-rounding bounds of both PyTorch references', async () => {
    const steps = await teacherForced({});
    const { failures, tightShare } = checkAgainstPyTorch(
      steps.map((ours, step) => ({
        label: `step ${step}`,
        ours,
        act8: reference.q4_act8.logits[step]!,
        float: reference.q4.logits[step]!,
      })),
    );
    expect(failures).toEqual([]);
    expect(tightShare).toBeGreaterThan(MIN_TIGHT_SHARE);
  });

  it('greedy tokens equal the float-activation reference wherever its top-2 margin exceeds the bound', async () => {
    const steps = await teacherForced({});
    let checked = 0;
    steps.forEach((logits, step) => {
      const bound = floatBound(reference.q4_act8.logits[step]!, reference.q4.logits[step]!);
      if (step >= reference.q4.tokens.length || topTwoMargin(reference.q4.logits[step]!) < 2 * bound) return;
      expect(argmax(logits), `step ${step}`).toBe(reference.q4.tokens[step]);
      checked++;
    });
    // Most steps have a wide margin: the greedy check is not vacuous.
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('gives the same bits on two threads as on one', async () => {
    const one = await teacherForced({});
    const two = await teacherForced({ threads: 2, wasmDecoderThread: nodePoolWorker });
    expect(two.map((logits) => Array.from(logits))).toEqual(one.map((logits) => Array.from(logits)));
  });

  it('greedy chat completion gives the reference text', async () => {
    const engine = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype: 'q4',
      wasmQuantized: 'kernel',
      threads: 1,
    });
    const completion = await engine.create({
      messages: reference.prompt.messages,
      temperature: 0,
      max_tokens: reference.q4.tokens.length,
    });
    const eosAt = reference.q4.tokens.indexOf(reference.eos_token_id);
    expect(completion.choices[0]!.message.content).toBe(
      reference.q4.text.replace(/<\|im_end\|>[\s\S]*$/, ''),
    );
    expect(completion.usage.completion_tokens).toBe(eosAt === -1 ? reference.q4.tokens.length : eosAt + 1);
    await engine.unload();
  });
});

function adapterFiles(name: string) {
  return {
    config: JSON.parse(readFileSync(`${fixtures}/adapters/${name}/adapter_config.json`, 'utf8')) as unknown,
    weights: new Uint8Array(readFileSync(`${fixtures}/adapters/${name}/adapter_model.safetensors`)),
  };
}

describe('LoRA per request on the 4-bit base (WASM decoder) against PyTorch base+adapter', () => {
  it('each adapter and the base, every turn: within the int8-rounding bounds of both references', async () => {
    const loaded = await loadDecoder(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype: 'q4',
      wasmQuantized: 'kernel',
      threads: 1,
    });
    const { decoder } = loaded;
    const adapters = new EngineAdapters(tinyChatModelId, loaded.loraTargets, await loaded.loraFactory());
    const names = Object.keys(lora.q4.adapters);
    for (const name of names) adapters.load(`${name}@1`, adapterFiles(name));
    try {
      const cases = [];
      for (const [turn, prompt] of lora.conversation.entries()) {
        for (const name of [null, ...names]) {
          decoder.extraFeeds = adapters.feeds(name ? `${name}@1` : undefined);
          decoder.cache.reset();
          cases.push({
            label: `turn ${turn}, adapter ${name ?? 'none'}`,
            ours: await decoder.forward(prompt.ids),
            act8: name ? lora.q4.adapters_act8[name]![turn]! : lora.q4.base_act8[turn]!,
            float: name ? lora.q4.adapters[name]![turn]! : lora.q4.base[turn]!,
          });
        }
      }
      // A rank-8/16 adapter adds two short float32 sums (r terms, then 64) per target: the same 1e-4.
      const { failures, tightShare } = checkAgainstPyTorch(cases);
      expect(failures).toEqual([]);
      expect(tightShare).toBeGreaterThan(MIN_TIGHT_SHARE);
      // The adapters really change the output, by far more than the bounds.
      for (const name of names)
        expect(maxAbsDiff(lora.q4.adapters[name]![0]!, lora.q4.base[0]!)).toBeGreaterThan(0.5);
    } finally {
      adapters.dispose();
      await decoder.release();
    }
  });
});
