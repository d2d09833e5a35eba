import { describe, expect, it } from 'vitest';
import { AdapterRegistry, preparePeftAdapter, rewriteForLora } from '../../../src/engines/lora/index.ts';
import { demoOnnx, makeAdapter } from './support.ts';

const { targets } = rewriteForLora(demoOnnx('model_q4.onnx'));
const q = targets.filter((t) => t.projection === 'q_proj');

function adapter(rank: number, seed: number) {
  return preparePeftAdapter(
    {
      config: { r: rank, lora_alpha: rank, target_modules: ['q_proj'] },
      weights: makeAdapter(q, rank, seed),
    },
    { modelId: 'hearth-demo/tiny-llama-chat', targets },
  );
}

// Tensors are plain records here (data kept for the layout checks).
interface Recorded {
  data: Float32Array;
  dims: number[];
}

function recordingFactory(zeroRank?: 0 | 1) {
  const live = new Set<Recorded>();
  return {
    live,
    create: (data: Float32Array, dims: number[]): Recorded => {
      const tensor = { data, dims };
      live.add(tensor);
      return tensor;
    },
    dispose: (tensor: Recorded) => live.delete(tensor),
    ...(zeroRank === undefined ? {} : { zeroRank }),
  };
}

const layers = Math.max(...targets.map((t) => t.layer)) + 1;
const kinds = new Set(targets.map((t) => t.projection)).size;

describe('adapter registry', () => {
  it('feeds one stacked A and B per projection kind: zeros of the factory rank (1 unless it says 0)', () => {
    const feeds = new AdapterRegistry(targets, recordingFactory()).feeds();
    // 7 kinds x A/B, not 2 per module: the per-input cost of a run is what this saves.
    expect(Object.keys(feeds)).toHaveLength(kinds * 2);
    expect(feeds[q[0]!.inputA]!.dims).toEqual([layers, q[0]!.inFeatures, 1]);
    expect(feeds[q[0]!.inputB]!.dims).toEqual([layers, 1, q[0]!.outFeatures]);
    for (const tensor of Object.values(feeds)) expect(tensor.data.every((v) => v === 0)).toBe(true);
    const empty = new AdapterRegistry(targets, recordingFactory(0)).feeds();
    expect(empty[q[0]!.inputA]!.dims).toEqual([layers, q[0]!.inFeatures, 0]);
  });

  it("places each module's A and B in its layer's slice, zero-padded to the largest rank", () => {
    const registry = new AdapterRegistry(targets, recordingFactory());
    const prepared = adapter(8, 1);
    registry.load('support@1', prepared, 'sha-a');
    const { data: a, dims } = registry.feeds('support@1')[q[0]!.inputA]!;
    const { data: b } = registry.feeds('support@1')[q[0]!.inputB]!;
    expect(dims).toEqual([layers, q[0]!.inFeatures, 8]);
    for (const target of q) {
      const module = prepared.modules.get(target.module)!;
      const { inFeatures, outFeatures } = target;
      for (const row of [0, inFeatures - 1]) {
        expect(
          Array.from(
            a.subarray((target.layer * inFeatures + row) * 8, (target.layer * inFeatures + row + 1) * 8),
          ),
        ).toEqual(Array.from(module.a.subarray(row * 8, (row + 1) * 8)));
      }
      expect(
        Array.from(b.subarray(target.layer * 8 * outFeatures, (target.layer + 1) * 8 * outFeatures)),
      ).toEqual(Array.from(module.b));
    }
    // Kinds the adapter does not touch keep the zeros.
    const k = targets.find((t) => t.projection === 'k_proj')!;
    expect(registry.feeds('support@1')[k.inputA]).toBe(registry.feeds()[k.inputA]);
  });

  it('swaps adapters per request and keeps versions immutable', () => {
    const registry = new AdapterRegistry(targets, recordingFactory());
    registry.load('support@1', adapter(8, 1), 'sha-a');
    registry.load('support@2', adapter(16, 2), 'sha-b');
    expect(registry.feeds('support@1')[q[0]!.inputA]!.dims).toEqual([layers, q[0]!.inFeatures, 8]);
    expect(registry.feeds('support@2')[q[0]!.inputA]!.dims).toEqual([layers, q[0]!.inFeatures, 16]);
    expect(registry.feeds()[q[0]!.inputA]!.dims).toEqual([layers, q[0]!.inFeatures, 1]);
    expect(() => registry.load('support@1', adapter(8, 3), 'sha-c')).toThrow(
      expect.objectContaining({ code: 'ADAPTER_IMMUTABLE' }),
    );
    expect(registry.load('support@1', adapter(8, 1), 'sha-a').ref).toBe('support@1');
    expect(() => registry.feeds('other@1')).toThrow(expect.objectContaining({ code: 'ADAPTER_NOT_LOADED' }));
    expect(() => registry.load('no-version', adapter(8, 1), 'x')).toThrow(
      expect.objectContaining({ code: 'ADAPTER_REF_INVALID' }),
    );
  });

  it('evicts the least recently used adapter over the byte budget and frees its tensors', () => {
    const factory = recordingFactory();
    const one = adapter(8, 1);
    const registry = new AdapterRegistry(targets, factory, one.bytes * 2);
    const zeros = factory.live.size;
    registry.load('a@1', one, '1');
    registry.load('b@1', adapter(8, 2), '2');
    registry.feeds('a@1'); // a is now the most recently used
    registry.load('c@1', adapter(8, 3), '3');
    expect(registry.list().map((info) => info.ref)).toEqual(['c@1', 'a@1']);
    // Two resident adapters, each one stacked A and B (q_proj only).
    expect(factory.live.size).toBe(zeros + 2 * 2);
    registry.unload('a@1');
    registry.dispose();
    expect(factory.live.size).toBe(0);
  });
});
