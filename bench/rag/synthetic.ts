import { prng } from '../../tests/support/prng.ts';

/**
 * Deterministic synthetic corpus for the RAG benchmark: random unit vectors and short texts over a
 * Zipf-like vocabulary, each a pure function of its index, so separate pages build the same data.
 */
const VOCABULARY = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);

function word(next: () => number): string {
  // Squaring the uniform skews choices towards frequent words, as in real text.
  return VOCABULARY[Math.floor(next() ** 2 * VOCABULARY.length)]!;
}

/** Writes unit vector `index` into `out` at `offset`. */
export function unitVector(index: number, dim: number, out: Float32Array, offset: number, salt = 1): void {
  const next = prng(index * 2654435761 + salt);
  let norm = 0;
  for (let d = 0; d < dim; d += 2) {
    const radius = Math.sqrt(-2 * Math.log(next() + 1e-12));
    const angle = 2 * Math.PI * next();
    out[offset + d] = radius * Math.cos(angle);
    if (d + 1 < dim) out[offset + d + 1] = radius * Math.sin(angle);
  }
  for (let d = 0; d < dim; d++) norm += out[offset + d]! ** 2;
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < dim; d++) out[offset + d]! *= scale;
}

export function chunkText(index: number, words = 24): string {
  const next = prng(index * 40503 + 7);
  return Array.from({ length: words }, () => word(next)).join(' ');
}

export function queryText(index: number): string {
  const next = prng(index * 9973 + 12345);
  return Array.from({ length: 3 }, () => word(next)).join(' ');
}
