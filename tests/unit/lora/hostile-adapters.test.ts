// Adapters are downloaded data: a hostile or broken adapter_config.json must be refused with ADAPTER_INVALID
// (or load quickly with PEFT's meaning), never hang the engine's thread or poison later requests.
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../../src/core/safetensors.ts';
import { preparePeftAdapter, rewriteForLora, type LoraTarget } from '../../../src/engines/lora/index.ts';
import { isTargeted, parseAdapterConfig, rankOf } from '../../../src/engines/lora/adapter-config.ts';
import { generate } from '../../../src/engines/llm/generation/decode-loop.ts';
import { greedyParams } from '../../../src/engines/llm/sampling/sampler.ts';
import { demoOnnx } from './support.ts';

const { targets } = rewriteForLora(demoOnnx('model.onnx'));
const base = { modelId: 'hearth-demo/tiny-llama-chat', targets };
const target = (module: string) => targets.find((t) => t.module === module)!;
const q0 = target('model.layers.0.self_attn.q_proj');
const q1 = target('model.layers.1.self_attn.q_proj');
const config = { r: 2, lora_alpha: 4, target_modules: ['q_proj'] };

function weightsFor(modules: LoraTarget[], names: (module: string) => string[] = (m) => [m, m]) {
  const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const t of modules) {
    const [aModule, bModule] = names(t.module);
    tensors[`base_model.model.${aModule}.lora_A.weight`] = {
      shape: [2, t.inFeatures],
      data: Float32Array.from({ length: 2 * t.inFeatures }, (_, i) => ((i % 7) + 1) / 10),
    };
    tensors[`base_model.model.${bModule}.lora_B.weight`] = {
      shape: [t.outFeatures, 2],
      data: Float32Array.from({ length: t.outFeatures * 2 }, (_, i) => ((i % 5) + 1) / 10),
    };
  }
  return writeSafetensors(tensors);
}

function refusal(run: () => unknown): { code?: string; message: string; name: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; message: string; name: string };
  }
  throw new Error('expected a refusal, but the adapter loaded');
}

// Each of these backtracks exponentially (or nearly) in a backtracking engine on a 30-character module name.
const CATASTROPHIC = ['(.|.)*#', '(a|a)*$', '(a+)+b', '(.*)*x', '(\\w+\\.?)+#', '((.*)*)*z', '(x+x+)+y'];

describe('regexes from adapter_config.json', () => {
  // The first load pays for compiling the regex engine's code paths; the budget is per pattern.
  beforeAll(() => {
    preparePeftAdapter(
      { config: { ...config, target_modules: '.*q_proj' }, weights: weightsFor([q0]) },
      base,
    );
  });

  for (const pattern of CATASTROPHIC) {
    for (const where of ['target_modules', 'rank_pattern', 'alpha_pattern'] as const) {
      it(`${where} ${pattern} is refused or loads within 50 ms`, () => {
        const overrides =
          where === 'target_modules'
            ? { target_modules: pattern }
            : { [where]: { [pattern]: where === 'rank_pattern' ? 2 : 8 } };
        const started = performance.now();
        let outcome: unknown;
        try {
          outcome = preparePeftAdapter(
            { config: { ...config, ...overrides }, weights: weightsFor([q0]) },
            base,
          );
        } catch (error) {
          outcome = error;
        }
        expect(performance.now() - started).toBeLessThan(50);
        if (outcome instanceof Error) expect(outcome).toMatchObject({ code: 'ADAPTER_INVALID' });
        else expect((outcome as { modules: Map<string, unknown> }).modules.size).toBe(1);
      });
    }
  }

  const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
    ['rank_pattern {"(": 8}', { rank_pattern: { '(': 8 } }, /rank_pattern/],
    ['alpha_pattern {"[": 16}', { alpha_pattern: { '[': 16 } }, /alpha_pattern/],
    ['target_modules "q_proj("', { target_modules: 'q_proj(' }, /target_modules/],
    ['a lookahead (no linear-time match)', { target_modules: '(?=q).*' }, /target_modules/],
    [
      'a pattern over the length cap',
      { target_modules: 'a|'.repeat(600) + 'q_proj' },
      /target_modules.*long/,
    ],
  ];
  for (const [name, overrides, field] of invalid) {
    it(`refuses ${name} with ADAPTER_INVALID naming the field`, () => {
      const error = refusal(() =>
        preparePeftAdapter({ config: { ...config, ...overrides }, weights: weightsFor([q0]) }, base),
      );
      expect(error.code).toBe('ADAPTER_INVALID');
      expect(error.message).toMatch(field);
    });
  }

  it('keeps PEFT semantics: full match for a string target_modules, re.match of (.*\\.)?KEY$ for pattern keys', () => {
    const regex = parseAdapterConfig({ r: 8, lora_alpha: 8, target_modules: '.*\\.(q|v)_proj' });
    expect(isTargeted(regex, 'model.layers.0.self_attn.q_proj')).toBe(true);
    // A full match: a prefix match is not enough.
    expect(isTargeted(parseAdapterConfig({ ...config, target_modules: 'model' }), q0.module)).toBe(false);
    const patterned = parseAdapterConfig({
      r: 8,
      lora_alpha: 16,
      rank_pattern: { 'layers\\.1\\..*q_proj': 4 },
    });
    expect(rankOf(patterned, 'model.layers.1.self_attn.q_proj')).toBe(4);
    expect(rankOf(patterned, 'model.layers.0.self_attn.q_proj')).toBe(8);
    // A key is one group: `k_proj|q_proj` is either name at the end, not `(.*\.)?k_proj` or `q_proj$` at the start.
    const alternatives = parseAdapterConfig({ r: 8, lora_alpha: 16, rank_pattern: { 'k_proj|q_proj': 4 } });
    expect(rankOf(alternatives, 'model.layers.0.self_attn.q_proj')).toBe(4);
    expect(rankOf(alternatives, 'model.layers.0.self_attn.k_proj')).toBe(4);
    expect(rankOf(alternatives, 'model.layers.0.self_attn.v_proj')).toBe(8);
  });
});

describe('overflowing adapters', () => {
  it('refuses lora_alpha 1e300 with finite tensors, naming lora_alpha', () => {
    const error = refusal(() =>
      preparePeftAdapter({ config: { ...config, lora_alpha: 1e300 }, weights: weightsFor([q0]) }, base),
    );
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/lora_alpha/);
  });

  it('refuses an alpha_pattern whose scaled weights overflow float32, naming alpha_pattern', () => {
    const error = refusal(() =>
      preparePeftAdapter(
        { config: { ...config, alpha_pattern: { q_proj: 1e40 } }, weights: weightsFor([q0]) },
        base,
      ),
    );
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/alpha_pattern/);
  });

  it('refuses an infinite lora_alpha (1e400 in JSON)', () => {
    const parsed = JSON.parse('{"r": 2, "lora_alpha": 1e400, "target_modules": ["q_proj"]}') as unknown;
    expect(refusal(() => preparePeftAdapter({ config: parsed, weights: weightsFor([q0]) }, base)).code).toBe(
      'ADAPTER_INVALID',
    );
  });

  it('reports a non-finite logit during generation as its own error, not as a constraint problem', async () => {
    const logits = new Float32Array(8).fill(0.5);
    logits[3] = NaN;
    const events = generate(
      {
        promptIds: [1],
        maxNewTokens: 4,
        sampling: greedyParams,
        seed: 1,
        stop: [],
        eosTokenIds: new Set([0]),
      },
      [1],
      { forward: () => Promise.resolve(logits.slice()) },
      { decode: (ids) => ids.join(' ') },
      { ids: [] },
    );
    let caught: { code?: string; message: string } | undefined;
    try {
      for await (const event of events) void event;
    } catch (error) {
      caught = error as { code?: string; message: string };
    }
    expect(caught?.code).toBe('GENERATION_FAILED');
    expect(caught?.message).toMatch(/NaN or infinite logit/);
    expect(caught?.message).not.toMatch(/ruled out|constraint/);
  });
});

describe('smaller config faults', () => {
  it('honours layers_to_transform: weights of other layers are not applied, as in PEFT', () => {
    const adapter = preparePeftAdapter(
      { config: { ...config, layers_to_transform: [0] }, weights: weightsFor([q0, q1]) },
      base,
    );
    expect([...adapter.modules.keys()]).toEqual([q0.module]);
    expect(adapter.warnings.join()).toMatch(/layers_to_transform/);
    const single = preparePeftAdapter(
      { config: { ...config, layers_to_transform: 1 }, weights: weightsFor([q0, q1]) },
      base,
    );
    expect([...single.modules.keys()]).toEqual([q1.module]);
  });

  it('reports a wrong peft_type as such, not as a lora_alpha problem', () => {
    const error = refusal(() =>
      preparePeftAdapter(
        { config: { peft_type: 'PREFIX_TUNING', num_virtual_tokens: 20 }, weights: weightsFor([q0]) },
        base,
      ),
    );
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/peft_type PREFIX_TUNING/);
    expect(error.message).not.toMatch(/lora_alpha/);
  });

  it('reports a tensor of a layer that does not exist by its name, not as a missing lora_A of layer 0', () => {
    // Layer 0's lora_A was renamed to layer 7's: the file holds layer 0's B and layer 7's A.
    const weights = weightsFor([q0], (m) => [m.replace('layers.0', 'layers.7'), m]);
    const error = refusal(() => preparePeftAdapter({ config, weights }, base));
    expect(error.code).toBe('ADAPTER_INVALID');
    expect(error.message).toMatch(/model\.layers\.7\.self_attn\.q_proj does not exist/);
  });
});
