import { dot } from '../dense/dense-matrix.ts';

/** The usual RRF constant: ranks beyond a few dozen matter little. */
const RRF_K = 60;

export interface Ranked {
  handle: number;
  score: number;
}

/** Reciprocal rank fusion: each list adds 1 / (60 + rank) for each handle it holds. */
export function reciprocalRankFusion(lists: Ranked[][]): Ranked[] {
  const fused = new Map<number, number>();
  for (const list of lists) {
    list.forEach(({ handle }, rank) => fused.set(handle, (fused.get(handle) ?? 0) + 1 / (RRF_K + rank + 1)));
  }
  return [...fused]
    .map(([handle, score]) => ({ handle, score }))
    .sort((a, b) => b.score - a.score || a.handle - b.handle);
}

/**
 * Maximal marginal relevance over `candidates` (best first): picks k, each time the one with the
 * best lambda * relevance - (1 - lambda) * (its highest similarity to those already picked).
 * Relevance is the cosine to the query, so it is on the same scale as the similarity.
 */
export function maximalMarginalRelevance(
  candidates: Ranked[],
  query: Float32Array,
  vectorOf: (handle: number) => Float32Array | undefined,
  k: number,
  lambda: number,
): Ranked[] {
  const pool = candidates
    .map((candidate) => ({ candidate, vector: vectorOf(candidate.handle) }))
    .filter((entry): entry is { candidate: Ranked; vector: Float32Array } => entry.vector !== undefined)
    .map((entry) => ({ ...entry, relevance: dot(query, entry.vector), maxSimilarity: -Infinity }));
  const picked: Ranked[] = [];
  while (picked.length < k && pool.length > 0) {
    let best = 0;
    let bestValue = -Infinity;
    pool.forEach((entry, i) => {
      const penalty = picked.length === 0 ? 0 : entry.maxSimilarity;
      const value = lambda * entry.relevance - (1 - lambda) * penalty;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    const [chosen] = pool.splice(best, 1);
    picked.push(chosen!.candidate);
    for (const entry of pool)
      entry.maxSimilarity = Math.max(entry.maxSimilarity, dot(entry.vector, chosen!.vector));
  }
  return picked;
}
