import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { AdapterRegistry, preparePeftAdapter, rewriteForLora } from '../../../src/engines/lora/index.ts';
import { cpuTensors, demoConfig, demoOnnx, makeAdapter, maxAbsDiff, prefillFeeds } from './support.ts';

const prompt = [5, 17, 42, 99, 7, 300];

describe.each(['model.onnx', 'model_q4.onnx'] as const)('LoRA graph rewrite of %s', (file) => {
  it('finds all seven projections of every layer with their shapes', () => {
    const { targets } = rewriteForLora(demoOnnx(file));
    expect(targets).toHaveLength(7 * demoConfig.num_hidden_layers);
    const q = targets.find((t) => t.module === 'model.layers.0.self_attn.q_proj')!;
    const headDim = demoConfig.head_dim ?? demoConfig.hidden_size / demoConfig.num_attention_heads;
    expect(q).toMatchObject({
      inFeatures: demoConfig.hidden_size,
      outFeatures: demoConfig.num_attention_heads * headDim,
    });
    const k = targets.find((t) => t.module === 'model.layers.0.self_attn.k_proj')!;
    expect(k.outFeatures).toBe(demoConfig.num_key_value_heads * headDim);
  });

  // Rank-0 zeros are what WASM feeds (an empty product); rank 1 is what WebGPU feeds.
  it.each([0, 1] as const)(
    'gives exactly the base logits with no adapter (zeros of rank %i), and other logits with one',
    async (zeroRank) => {
      const original = demoOnnx(file);
      const { model, targets } = rewriteForLora(original);
      const [base, rewritten] = await Promise.all([
        ort.InferenceSession.create(original),
        ort.InferenceSession.create(model),
      ]);
      const registry = new AdapterRegistry(targets, { ...cpuTensors, zeroRank });
      const expected = (await base.run(prefillFeeds(prompt))).logits!.data as Float32Array;
      const none = (await rewritten.run({ ...prefillFeeds(prompt), ...registry.feeds() })).logits!
        .data as Float32Array;
      expect(maxAbsDiff(expected, none)).toBe(0);

      const qv = targets.filter((t) => /\.(q|v)_proj$/.test(t.module));
      const adapter = preparePeftAdapter(
        {
          config: { r: 4, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'] },
          weights: makeAdapter(qv, 4),
        },
        { modelId: 'hearth-demo/tiny-llama-chat', targets },
      );
      registry.load('test@1', adapter, 'fp-1');
      const adapted = (await rewritten.run({ ...prefillFeeds(prompt), ...registry.feeds('test@1') })).logits!
        .data as Float32Array;
      expect(maxAbsDiff(expected, adapted)).toBeGreaterThan(1e-3);
      // Switching back to the base needs no new session and gives the base again.
      const again = (await rewritten.run({ ...prefillFeeds(prompt), ...registry.feeds() })).logits!
        .data as Float32Array;
      expect(maxAbsDiff(expected, again)).toBe(0);
    },
  );

  it('refuses a model that was already rewritten', () => {
    const { model } = rewriteForLora(demoOnnx(file));
    expect(() => rewriteForLora(model)).toThrow(/already has LoRA inputs/);
  });
});

it('refuses bytes that are not an ONNX model', () => {
  expect(() => rewriteForLora(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(
    expect.objectContaining({ code: 'LORA_REWRITE_FAILED' }),
  );
});
