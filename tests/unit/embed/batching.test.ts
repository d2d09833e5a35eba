import { describe, expect, it } from 'vitest';
import { planBatches } from '../../../src/engines/embed/batching.ts';
import { poolBatch } from '../../../src/engines/embed/pooling.ts';

describe('planBatches', () => {
  it('sorts by length, caps each batch, and covers every index exactly once', () => {
    const lengths = [5, 90, 7, 3, 88, 6, 40, 41, 2];
    const batches = planBatches(lengths, 3);
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 3]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    // Each batch holds neighbours in length, so padding stays small.
    expect(batches.map((batch) => batch.map((i) => lengths[i]))).toEqual([
      [90, 88, 41],
      [40, 7, 6],
      [5, 3, 2],
    ]);
  });
});

describe('poolBatch', () => {
  // Two rows, seq 3, dim 2; row 1 has one padding position full of junk that must be ignored.
  const hidden = new Float32Array([3, 0, 1, 2, 2, 1, /* row 1 */ 0, 4, 0, 2, 99, 99]);

  it('mean pooling averages only real tokens, then normalises', () => {
    const [a, b] = poolBatch(hidden, [3, 2], 3, 2, 'mean', true);
    expect(Array.from(a!)).toEqual([Math.fround(2 / Math.hypot(2, 1)), Math.fround(1 / Math.hypot(2, 1))]);
    expect(Array.from(b!)).toEqual([0, 1]);
  });

  it('cls pooling takes the first position; normalisation can be turned off', () => {
    const [a] = poolBatch(hidden, [3, 2], 3, 2, 'cls', false);
    expect(Array.from(a!)).toEqual([3, 0]);
  });
});
