import { describe, expect, it } from 'vitest';
import { DenseMatrix, dot } from '../../../src/rag/dense/dense-matrix.ts';
import { topK } from '../../../src/rag/dense/top-k.ts';

function random(seed: number) {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296;
}
function unitVectors(n: number, dim: number, seed = 1): Float32Array {
  const next = random(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const value = Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
      out[i * dim + d] = value;
      norm += value * value;
    }
    for (let d = 0; d < dim; d++) out[i * dim + d]! /= Math.sqrt(norm);
  }
  return out;
}
function exactTop(vectors: Float32Array, query: Float32Array, dim: number, k: number): number[] {
  const n = vectors.length / dim;
  const scores = Array.from({ length: n }, (_, r) => ({
    r,
    s: dot(query, vectors.subarray(r * dim, (r + 1) * dim)),
  }));
  return scores
    .sort((a, b) => b.s - a.s)
    .slice(0, k)
    .map(({ r }) => r);
}

describe('DenseMatrix', () => {
  const dim = 100; // not a multiple of 16: exercises the zero padding
  const n = 3000;
  const vectors = unitVectors(n, dim);
  const queries = unitVectors(20, dim, 7);

  it('uses the WebAssembly SIMD kernel in Node', () => {
    expect(new DenseMatrix(dim).kernel.name).toBe('wasm-simd');
  });

  for (const preferJs of [false, true]) {
    it(`float mode equals an exact scan, int8 mode recalls ≥ 0.99 of it (${preferJs ? 'js' : 'wasm'} kernel)`, () => {
      const matrix = new DenseMatrix(dim, { preferJs });
      // Appended in pieces, so the buffer grows and moves its regions several times.
      for (let start = 0; start < n; start += 700) {
        const end = Math.min(n, start + 700);
        matrix.append(
          vectors.subarray(start * dim, end * dim),
          Int32Array.from({ length: end - start }, (_, i) => 1000 + start + i),
        );
      }
      let found = 0;
      for (let q = 0; q < 20; q++) {
        const query = queries.subarray(q * dim, (q + 1) * dim);
        const expected = exactTop(vectors, query, dim, 10);
        const exact = matrix.search(query, 10, { precision: 'float' });
        expect(Array.from(exact.rows, (row) => matrix.handleAt(row) - 1000)).toEqual(expected);
        // 100 dimensions padded to 112, summed in 16 float32 lanes 7 deep, then 4 adds join the lanes:
        // ≤ γ_12 ≈ 7.2e-7 of the float64 dot for unit vectors (Σ|q_i v_i| ≤ 1, Cauchy-Schwarz), under the 5e-6
        // of toBeCloseTo(…, 5). WebAssembly's float32 arithmetic (no FMA contraction) is the same on every CPU;
        // the JS kernel sums in float64.
        exact.scores.forEach((score, i) =>
          expect(score).toBeCloseTo(
            dot(query, vectors.subarray(expected[i]! * dim, (expected[i]! + 1) * dim)),
            5,
          ),
        );
        const approx = new Set(
          Array.from(matrix.search(query, 10).rows, (row) => matrix.handleAt(row) - 1000),
        );
        found += expected.filter((row) => approx.has(row)).length;
      }
      expect(found / 200).toBeGreaterThanOrEqual(0.99);
    });
  }

  it('retain() drops rows and keeps the rest searchable; filters apply before ranking', () => {
    const matrix = new DenseMatrix(dim);
    matrix.append(
      vectors,
      Int32Array.from({ length: n }, (_, i) => i),
    );
    matrix.retain((handle) => handle % 2 === 0);
    expect(matrix.size).toBe(n / 2);
    const query = vectors.subarray(10 * dim, 11 * dim); // row 10 is kept: it is its own best match
    expect(matrix.handleAt(matrix.search(query, 1).rows[0]!)).toBe(10);
    const odd = vectors.subarray(11 * dim, 12 * dim);
    expect(matrix.handleAt(matrix.search(odd, 1).rows[0]!) % 2).toBe(0);
    const onlyFours = matrix.search(query, 5, { allowed: (handle) => handle % 4 === 0 });
    expect(onlyFours.rows.length).toBe(5);
    onlyFours.rows.forEach((row) => expect(matrix.handleAt(row) % 4).toBe(0));
  });
});

describe('topK', () => {
  it('returns the k best in order and honours the filter', () => {
    const scores = Float32Array.from([0.1, 0.9, 0.5, 0.7, 0.3, 0.8]);
    expect(Array.from(topK(scores, 6, 3).rows)).toEqual([1, 5, 3]);
    expect(Array.from(topK(scores, 6, 2, (row) => row % 2 === 0).rows)).toEqual([2, 4]);
    expect(Array.from(topK(scores, 6, 10).rows)).toEqual([1, 5, 3, 2, 4, 0]);
  });
});
