import { describe, expect, it } from 'vitest';
import { WasmHeap } from '../../../../src/engines/llm/wasm-decoder/heap.ts';
import { PagedKvCache } from '../../../../src/engines/llm/wasm-decoder/kv-pages.ts';

const heap = () => new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 1024 }));

describe('the WASM decoder heap', () => {
  it('aligns blocks to 64 bytes, counts bytes by what they hold, and grows the memory', () => {
    const h = heap();
    const a = h.alloc(10, 'weights');
    const b = h.alloc(100_000, 'kv');
    expect(a % 64).toBe(0);
    expect(b % 64).toBe(0);
    expect(b).toBeGreaterThanOrEqual(a + 64);
    expect(h.bytesInUse('weights')).toBe(64);
    expect(h.bytesInUse('kv')).toBe(Math.ceil(100_000 / 64) * 64);
    expect(h.size).toBeGreaterThanOrEqual(b + 100_000);
  });

  it('reuses a freed block, and merges freed neighbours into one', () => {
    const h = heap();
    const a = h.alloc(1000, 'scratch');
    const b = h.alloc(1000, 'scratch');
    const c = h.alloc(1000, 'scratch');
    h.alloc(64, 'scratch'); // keeps c from being the end of the heap
    h.release(a);
    h.release(c);
    h.release(b);
    // a, b and c are one free block now: a request for all three fits where a was.
    expect(h.alloc(3 * 1024, 'adapters')).toBe(a);
    expect(h.bytesInUse('scratch')).toBe(64);
  });

  it('keeps views current after the memory grows', () => {
    const h = heap();
    const before = h.f32;
    const big = h.alloc(4 * 2 ** 20, 'weights');
    h.f32[big / 4] = 1.5;
    expect(h.f32 === before).toBe(false);
    expect(before.length).toBe(0); // the old view is detached: reading through it would see nothing
    expect(h.f32[big / 4]).toBe(1.5);
  });
});

describe('the paged KV cache', () => {
  it('places positions in pages of 64 without copying as it grows, and truncates by length', async () => {
    const h = heap();
    const cache = new PagedKvCache(h, 2, 3, 16, 512);
    cache.reserve(70);
    const first = cache.rowOffset(1, 0, 2, 5);
    h.f32[first / 4] = 7;
    cache.reserve(300);
    // Still where it was: pages are added, never moved.
    expect(cache.rowOffset(1, 0, 2, 5)).toBe(first);
    expect(h.f32[first / 4]).toBe(7);
    // Position 64 starts the second page; rows of one head in a page are head_dim floats apart.
    expect(cache.rowOffset(0, 1, 0, 65) - cache.rowOffset(0, 1, 0, 64)).toBe(16 * 4);
    cache.advance(70);
    await cache.truncate(40);
    expect(cache.length).toBe(40);
    expect(() => cache.reserve(513)).toThrow(RangeError);
  });
});
