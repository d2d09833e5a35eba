import { applyLogitBias, applyPenalties, type PenaltyParams, type TokenCounts } from './penalties.ts';
import type { Rng } from './rng.ts';

export interface SamplingParams extends PenaltyParams {
  /** 0 means greedy (argmax). */
  temperature: number;
  /** 0 means no top-k cut. */
  topK: number;
  /** 1 means no nucleus cut. */
  topP: number;
  logitBias: ReadonlyMap<number, number>;
}

export const greedyParams: SamplingParams = {
  temperature: 0,
  topK: 0,
  topP: 1,
  repetitionPenalty: 1,
  frequencyPenalty: 0,
  presencePenalty: 0,
  logitBias: new Map(),
};

/** Adjusts logits in place for what was seen and for the bias; run before any LogitsProcessor mask. */
export function adjustLogits(logits: Float32Array, counts: TokenCounts, params: SamplingParams): void {
  applyPenalties(logits, counts, params);
  applyLogitBias(logits, params.logitBias);
}

export function argmax(logits: Float32Array): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i]!;
    if (value > bestValue) {
      bestValue = value;
      best = i;
    }
  }
  return best;
}

interface Candidates {
  ids: Int32Array;
  probs: Float64Array;
}

/** Picks the next token from adjusted logits: greedy at temperature 0, else top-k, top-p, then a draw. */
export function sampleToken(logits: Float32Array, params: SamplingParams, rng: Rng): number {
  if (params.temperature <= 0) return argmax(logits);
  let candidates =
    params.topK > 0 && params.topK < logits.length
      ? topKCandidates(logits, params.topK, params.temperature)
      : allCandidates(logits, params.temperature);
  if (params.topP < 1) candidates = nucleus(candidates, params.topP);
  return draw(candidates, rng);
}

/** Softmax over every token, at temperature. */
function allCandidates(logits: Float32Array, temperature: number): Candidates {
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
  const ids = new Int32Array(n);
  const probs = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.exp((logits[i]! - max) / temperature);
    ids[i] = i;
    probs[i] = p;
    sum += p;
  }
  for (let i = 0; i < n; i++) probs[i]! /= sum;
  return { ids, probs };
}

/** The k highest logits (sorted, highest first) and their softmax at temperature. */
function topKCandidates(logits: Float32Array, k: number, temperature: number): Candidates {
  // Partial selection: keep a sorted window of the best k seen so far (k is small in practice).
  const bestIds: number[] = [];
  const bestValues: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i]!;
    if (bestValues.length === k && value <= bestValues[k - 1]!) continue;
    let at = bestValues.length;
    while (at > 0 && bestValues[at - 1]! < value) at--;
    bestValues.splice(at, 0, value);
    bestIds.splice(at, 0, i);
    if (bestValues.length > k) {
      bestValues.pop();
      bestIds.pop();
    }
  }
  const max = bestValues[0]!;
  const probs = new Float64Array(bestValues.length);
  let sum = 0;
  bestValues.forEach((value, i) => {
    probs[i] = Math.exp((value - max) / temperature);
    sum += probs[i]!;
  });
  for (let i = 0; i < probs.length; i++) probs[i]! /= sum;
  return { ids: Int32Array.from(bestIds), probs };
}

/**
 * The smallest set of most likely tokens whose mass reaches `topP`, renormalised. Sorting a
 * 150k vocabulary every step is slow, so only tokens above a threshold are sorted; the threshold
 * is lowered until the kept mass reaches `topP`, which proves the nucleus lies inside the kept set.
 */
function nucleus(candidates: Candidates, topP: number): Candidates {
  const { ids, probs } = candidates;
  let maxProb = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i]! > maxProb) maxProb = probs[i]!;
  let kept: number[];
  for (let threshold = maxProb * 1e-3; ; threshold /= 16) {
    kept = [];
    let mass = 0;
    for (let i = 0; i < probs.length; i++) {
      if (probs[i]! >= threshold) {
        kept.push(i);
        mass += probs[i]!;
      }
    }
    if (mass >= topP || threshold === 0 || kept.length === probs.length) break;
    if (threshold < Number.MIN_VALUE * 16) threshold = 0;
  }
  kept.sort((a, b) => probs[b]! - probs[a]! || ids[a]! - ids[b]!);
  const outIds: number[] = [];
  const outProbs: number[] = [];
  let cumulative = 0;
  for (const index of kept) {
    outIds.push(ids[index]!);
    outProbs.push(probs[index]!);
    cumulative += probs[index]!;
    if (cumulative >= topP) break;
  }
  const total = outProbs.reduce((a, b) => a + b, 0);
  return { ids: Int32Array.from(outIds), probs: Float64Array.from(outProbs, (p) => p / total) };
}

function draw({ ids, probs }: Candidates, rng: Rng): number {
  const target = rng.next();
  let cumulative = 0;
  for (let i = 0; i < probs.length; i++) {
    cumulative += probs[i]!;
    if (target < cumulative) return ids[i]!;
  }
  // Rounding left the sum a hair under 1: the last candidate with any mass.
  for (let i = probs.length - 1; i >= 0; i--) if (probs[i]! > 0) return ids[i]!;
  return ids[0]!;
}
