import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../src/core/safetensors.ts';
import { preparePeftAdapter, rewriteForLora, type LoraTarget } from '../../../src/engines/lora/index.ts';
import { isTargeted, parseAdapterConfig, scaleOf } from '../../../src/engines/lora/adapter-config.ts';
import { demoOnnx, makeAdapter } from './support.ts';

const { targets } = rewriteForLora(demoOnnx('model.onnx'));
const base = { modelId: 'hearth-demo/tiny-llama-chat', targets };
const q0 = targets.find((t) => t.module === 'model.layers.0.self_attn.q_proj')!;
const config = {
  r: 2,
  lora_alpha: 4,
  target_modules: ['q_proj'],
  base_model_name_or_path: 'hearth-demo/tiny-llama-chat',
};

function prepare(weights: Uint8Array, overrides: Record<string, unknown> = {}) {
  return () => preparePeftAdapter({ config: { ...config, ...overrides }, weights }, base);
}

function adapterFor(
  target: LoraTarget,
  tweak?: (a: Float32Array, b: Float32Array) => void,
  shapes?: { a?: number[]; b?: number[] },
) {
  const a = Float32Array.from({ length: 2 * target.inFeatures }, (_, i) => (i % 7) / 10);
  const b = Float32Array.from({ length: target.outFeatures * 2 }, (_, i) => (i % 5) / 10);
  tweak?.(a, b);
  return writeSafetensors({
    [`base_model.model.${target.module}.lora_A.weight`]: {
      shape: shapes?.a ?? [2, target.inFeatures],
      data: a,
    },
    [`base_model.model.${target.module}.lora_B.weight`]: {
      shape: shapes?.b ?? [target.outFeatures, 2],
      data: b,
    },
  });
}

describe('PEFT adapter reading', () => {
  it('transposes A and B into the graph layout and folds alpha/r into B', () => {
    const weights = adapterFor(q0);
    const adapter = preparePeftAdapter({ config, weights }, base);
    const module = adapter.modules.get(q0.module)!;
    expect(module.rank).toBe(2);
    // A_peft[r=1][in=3] = ((1*in + 3) % 7) / 10 lands at A_graph[3][1].
    expect(module.a[3 * 2 + 1]).toBeCloseTo(((q0.inFeatures + 3) % 7) / 10, 6);
    // B_peft[out=5][r=1] = ((5*2 + 1) % 5) / 10, times alpha/r = 2, lands at B_graph[1][5].
    expect(module.b[1 * q0.outFeatures + 5]).toBeCloseTo((((5 * 2 + 1) % 5) / 10) * 2, 6);
    expect(adapter.bytes).toBe((2 * q0.inFeatures + 2 * q0.outFeatures) * 4);
    expect(adapter.warnings).toEqual([]);
  });

  it('follows rsLoRA, rank_pattern, alpha_pattern, regex and all-linear targets', () => {
    const rs = parseAdapterConfig({ r: 16, lora_alpha: 32, use_rslora: true, target_modules: ['q_proj'] });
    expect(scaleOf(rs, 'model.layers.0.self_attn.q_proj')).toBeCloseTo(32 / 4);
    const patterned = parseAdapterConfig({
      r: 8,
      lora_alpha: 16,
      rank_pattern: { v_proj: 4 },
      alpha_pattern: { v_proj: 2 },
    });
    expect(scaleOf(patterned, 'model.layers.1.self_attn.v_proj')).toBeCloseTo(0.5);
    expect(scaleOf(patterned, 'model.layers.1.self_attn.q_proj')).toBeCloseTo(2);
    const regex = parseAdapterConfig({ r: 8, lora_alpha: 8, target_modules: '.*layers\\.0\\..*(q|v)_proj' });
    expect(isTargeted(regex, 'model.layers.0.self_attn.q_proj')).toBe(true);
    expect(isTargeted(regex, 'model.layers.1.self_attn.q_proj')).toBe(false);
    expect(
      isTargeted(
        parseAdapterConfig({ r: 8, lora_alpha: 8, target_modules: 'all-linear' }),
        'model.layers.1.mlp.up_proj',
      ),
    ).toBe(true);
  });

  it('warns when the adapter names another base model', () => {
    const adapter = preparePeftAdapter(
      { config: { ...config, base_model_name_or_path: 'meta-llama/Llama-3.2-1B' }, weights: adapterFor(q0) },
      base,
    );
    expect(adapter.warnings.join()).toMatch(/trained on meta-llama\/Llama-3.2-1B/);
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['a truncated file', prepare(adapterFor(q0).subarray(0, 200)), /truncated|runs past/],
    [
      'a header length past the end',
      () => {
        const file = adapterFor(q0);
        new DataView(file.buffer).setBigUint64(0, 10n ** 9n, true);
        return prepare(file)();
      },
      /runs past the end/,
    ],
    [
      'a wrong dtype',
      () => {
        // Same length, so every offset stays valid: only the dtype is wrong.
        const file = adapterFor(q0);
        const headerEnd = 8 + Number(new DataView(file.buffer).getBigUint64(0, true));
        const header = new TextDecoder().decode(file.subarray(8, headerEnd)).replaceAll('"F32"', '"I32"');
        file.set(new TextEncoder().encode(header), 8);
        return prepare(file)();
      },
      /I32; expected F32/,
    ],
    [
      'a wrong shape',
      prepare(adapterFor(q0, undefined, { a: [1, q0.inFeatures * 2] })),
      /expected \[2, 64\]/,
    ],
    ['NaN weights', prepare(adapterFor(q0, (a) => (a[3] = NaN))), /NaN or infinite/],
    [
      'a target module that does not exist',
      prepare(adapterFor(q0), { target_modules: ['q_proj', 'qkv_proj'] }),
      /"qkv_proj" does not exist/,
    ],
    [
      'weights for a module that does not exist',
      () =>
        prepare(
          makeAdapter([{ module: 'model.layers.9.self_attn.q_proj', inFeatures: 64, outFeatures: 64 }], 2),
        )(),
      /model.layers.9.self_attn.q_proj does not exist/,
    ],
    ['rank 0', prepare(adapterFor(q0), { r: 0 }), /rank must be at least 1/],
    ['DoRA', prepare(adapterFor(q0), { use_dora: true }), /DoRA/],
    ['modules_to_save', prepare(adapterFor(q0), { modules_to_save: ['lm_head'] }), /modules_to_save/],
    ['a bias', prepare(adapterFor(q0), { bias: 'lora_only' }), /bias "lora_only"/],
    [
      'a config that is not an object',
      () => preparePeftAdapter({ config: 'r=8', weights: adapterFor(q0) }, base),
      /adapter_config.json/,
    ],
  ];
  for (const [name, run, message] of bad) {
    it(`refuses ${name} with ADAPTER_INVALID`, () => {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'ADAPTER_INVALID' });
      expect((caught as Error).message).toMatch(message);
    });
  }
});
