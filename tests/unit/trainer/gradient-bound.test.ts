/**
 * The bound's arithmetic on hand-made probes: γ_n·Σ|c| + dev per run, one more rounding for the all-reduce,
 * the two runs' bounds added for a comparison, and a zero bound that only an exact zero difference meets.
 */
import { describe, expect, it } from 'vitest';
import { crossRatio, ownRatio, referenceRatio, type GradientProbe } from './gradient-bound.ts';

const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);

function probe(world: number, grad: number[], exact: number[], abs: number[], dev: number[], terms = 100) {
  return {
    world,
    dtype: 'float32',
    aten_capability: 'AVX2',
    openblas_core: 'Zen',
    tensors: { w: { shape: [grad.length], grad, exact, abs, dev, terms } },
  } satisfies GradientProbe;
}

describe('gradient bound', () => {
  it('allows γ_n·Σ|c| + dev between a run and its float64 replay, and no more', () => {
    const bound = gamma(100) * 2 + 1e-9;
    expect(ownRatio(probe(1, [1 + bound], [1], [2], [1e-9]))).toBeCloseTo(1, 5);
    expect(ownRatio(probe(1, [1 + bound * 1.01], [1], [2], [1e-9]))).toBeGreaterThan(1);
    // two ranks: the all-reduce adds a rounding, γ_{m+1}
    expect(ownRatio(probe(2, [1 + gamma(101) * 2], [1], [2], [0]))).toBeLessThanOrEqual(1);
    expect(ownRatio(probe(1, [1 + gamma(101) * 2], [1], [2], [0]))).toBeGreaterThan(1);
  });

  it('adds both runs bounds when comparing two runs', () => {
    const a = probe(1, [1], [1], [2], [0]);
    const b = probe(2, [1 + gamma(100) * 2 + gamma(101) * 2], [1], [2], [0]);
    expect(crossRatio(a, b)).toBeLessThanOrEqual(1);
    const c = probe(2, [1 + (gamma(100) * 2 + gamma(101) * 2) * 1.01], [1], [2], [0]);
    expect(crossRatio(a, c)).toBeGreaterThan(1);
    // the float64 references must agree ~2^20 times more closely
    expect(referenceRatio(a, probe(2, [1], [1 + gamma(100)], [2], [0]))).toBeGreaterThan(1);
  });

  it('meets a zero bound only with an exact zero difference', () => {
    expect(ownRatio(probe(1, [0], [0], [0], [0]))).toBe(0);
    expect(ownRatio(probe(1, [1e-30], [0], [0], [0]))).toBe(Infinity);
  });
});
