import { describe, expect, it } from 'vitest';
import {
  commonPrefixLength,
  PrefixCache,
  type CacheKey,
} from '../../../src/engines/llm/cache/prefix-cache.ts';

const key: CacheKey = { modelId: 'm', revision: 'main', dtype: 'q4', device: 'wasm', adapter: null };

describe('PrefixCache', () => {
  it('reuses nothing when empty', () => {
    expect(new PrefixCache().plan(key, [1, 2, 3])).toEqual({ keep: 0, prefill: [1, 2, 3] });
  });

  it('second turn prefills only the new tokens', () => {
    const cache = new PrefixCache();
    cache.commit(key, [1, 2, 3, 4, 5]);
    expect(cache.plan(key, [1, 2, 3, 4, 5, 6, 7])).toEqual({ keep: 5, prefill: [6, 7] });
  });

  it('cuts back to the shared prefix when the history diverges', () => {
    const cache = new PrefixCache();
    cache.commit(key, [1, 2, 3, 9, 9]);
    expect(cache.plan(key, [1, 2, 3, 4])).toEqual({ keep: 3, prefill: [4] });
  });

  it('always prefills at least the last prompt token (its logits start the answer)', () => {
    const cache = new PrefixCache();
    cache.commit(key, [1, 2, 3, 4]);
    expect(cache.plan(key, [1, 2, 3])).toEqual({ keep: 2, prefill: [3] });
  });

  it.each([
    ['another model', { modelId: 'other' }],
    ['another revision', { revision: 'v2' }],
    ['another dtype', { dtype: 'fp32' }],
    ['another device', { device: 'webgpu' }],
    ['an adapter', { adapter: 'style@1' }],
  ])('never reuses across %s', (_, change) => {
    const cache = new PrefixCache();
    cache.commit(key, [1, 2, 3]);
    expect(cache.plan({ ...key, ...change }, [1, 2, 3, 4]).keep).toBe(0);
  });

  it('never reuses across adapter versions', () => {
    const cache = new PrefixCache();
    cache.commit({ ...key, adapter: 'style@1' }, [1, 2, 3]);
    expect(cache.plan({ ...key, adapter: 'style@2' }, [1, 2, 3, 4]).keep).toBe(0);
    expect(cache.plan({ ...key, adapter: 'style@1' }, [1, 2, 3, 4]).keep).toBe(3);
  });

  it('clear forgets everything', () => {
    const cache = new PrefixCache();
    cache.commit(key, [1, 2, 3]);
    cache.clear();
    expect(cache.plan(key, [1, 2, 3, 4]).keep).toBe(0);
  });

  it('commonPrefixLength', () => {
    expect(commonPrefixLength([1, 2, 3], [1, 2, 4])).toBe(2);
    expect(commonPrefixLength([], [1])).toBe(0);
    expect(commonPrefixLength([1, 2], [1, 2])).toBe(2);
  });
});
