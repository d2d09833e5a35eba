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

// Tensors are plain records here: the registry's job is bookkeeping, not arithmetic.
function recordingFactory() {
  const live = new Set<{ dims: [number, number] }>();
  return {
    live,
    create: (_data: Float32Array, dims: [number, number]) => {
      const tensor = { dims };
      live.add(tensor);
      return tensor;
    },
    dispose: (tensor: { dims: [number, number] }) => live.delete(tensor),
  };
}

describe('adapter registry', () => {
  it('feeds rank-1 zeros for the base model and never a rank-0 tensor', () => {
    const registry = new AdapterRegistry(targets, recordingFactory());
    const feeds = registry.feeds();
    expect(Object.keys(feeds)).toHaveLength(targets.length * 2);
    for (const tensor of Object.values(feeds)) expect(tensor.dims).toContain(1);
    for (const tensor of Object.values(feeds)) expect(tensor.dims).not.toContain(0);
  });

  it('swaps adapters per request and keeps versions immutable', () => {
    const registry = new AdapterRegistry(targets, recordingFactory());
    registry.load('support@1', adapter(8, 1), 'sha-a');
    registry.load('support@2', adapter(16, 2), 'sha-b');
    expect(registry.feeds('support@1')[q[0]!.inputA]!.dims).toEqual([q[0]!.inFeatures, 8]);
    expect(registry.feeds('support@2')[q[0]!.inputA]!.dims).toEqual([q[0]!.inFeatures, 16]);
    expect(registry.feeds()[q[0]!.inputA]!.dims).toEqual([q[0]!.inFeatures, 1]);
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
    expect(factory.live.size).toBe(zeros + 2 * (2 * q.length));
    registry.unload('a@1');
    registry.dispose();
    expect(factory.live.size).toBe(0);
  });
});
