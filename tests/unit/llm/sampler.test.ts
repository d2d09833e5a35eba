import { describe, expect, it } from 'vitest';
import { TokenCounts } from '../../../src/engines/llm/sampling/penalties.ts';
import { seededRng } from '../../../src/engines/llm/sampling/rng.ts';
import {
  adjustLogits,
  argmax,
  greedyParams,
  sampleToken,
  type SamplingParams,
} from '../../../src/engines/llm/sampling/sampler.ts';

const params = (overrides: Partial<SamplingParams>): SamplingParams => ({ ...greedyParams, ...overrides });

/** Draws many tokens and returns how often each id came up. */
function histogram(logits: number[], p: SamplingParams, draws = 20_000, seed = 7): Map<number, number> {
  const rng = seededRng(seed);
  const counts = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const id = sampleToken(Float32Array.from(logits), p, rng);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('seeded RNG', () => {
  it('repeats for the same seed, differs for another, stays in [0, 1)', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const c = seededRng(43);
    const seqA = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('is roughly uniform', () => {
    const rng = seededRng(1);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(rng.next() * 10)]!++;
    // Binomial(1e5, 0.1) has σ = 94.9: 500 is 5.3σ. The generator is seeded integer arithmetic, so the counts
    // are the same on every CPU; the bound says why a fair generator passes, not what this one happened to give.
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('uses the high bits of 64-bit seeds', () => {
    expect(seededRng(2 ** 40 + 5).next()).not.toBe(seededRng(5).next());
  });
});

describe('sampleToken', () => {
  it('is argmax at temperature 0', () => {
    expect(sampleToken(Float32Array.from([0.1, 3, 2.9, -1]), greedyParams, seededRng(1))).toBe(1);
    expect(argmax(Float32Array.from([-Infinity, -5, -Infinity]))).toBe(1);
  });

  it('follows the softmax at temperature 1', () => {
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    const counts = histogram(logits, params({ temperature: 1 }));
    // toBeCloseTo(p, 1) allows 0.05: ≥ 6σ of a binomial frequency in every check of this file (here σ ≤ 0.0036),
    // with a seeded generator whose draws are the same on every CPU.
    expect(counts.get(0)! / 20_000).toBeCloseTo(0.5, 1);
    expect(counts.get(1)! / 20_000).toBeCloseTo(0.3, 1);
    expect(counts.get(2)! / 20_000).toBeCloseTo(0.2, 1);
  });

  it('sharpens with a low temperature', () => {
    const counts = histogram([1, 0], params({ temperature: 0.1 }), 2000);
    expect(counts.get(0)! / 2000).toBeGreaterThan(0.99);
  });

  it('top-k keeps only the k best tokens', () => {
    const counts = histogram([5, 1, 4, 3, 2], params({ temperature: 5, topK: 2 }), 5000);
    expect([...counts.keys()].sort()).toEqual([0, 2]);
  });

  it('top-p keeps the smallest set reaching p (here the top two of 0.5/0.3/0.15/0.05)', () => {
    const logits = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    const counts = histogram(logits, params({ temperature: 1, topP: 0.75 }), 10_000);
    expect([...counts.keys()].sort()).toEqual([0, 1]);
    // renormalised: 0.5/0.8 and 0.3/0.8
    expect(counts.get(0)! / 10_000).toBeCloseTo(0.625, 1);
  });

  it('top-p over a large flat tail still finds the exact nucleus', () => {
    const vocab = 150_000;
    const logits = new Array<number>(vocab).fill(0);
    logits[3] = 12; // about 0.57 of the mass; the rest is spread thinly
    const counts = histogram(logits, params({ temperature: 1, topP: 0.5 }), 50);
    expect([...counts.keys()]).toEqual([3]);
    // Nucleus that reaches into a flat tail: token 3 (mass 0.5) plus 0.4 of tail, renormalised to 0.9.
    const tail = new Array<number>(1000).fill(0);
    tail[3] = Math.log(999);
    const wide = histogram(tail, params({ temperature: 1, topP: 0.9 }), 4000);
    expect(wide.get(3)! / 4000).toBeCloseTo(0.5 / 0.9, 1);
    expect(wide.size).toBeGreaterThan(300);
  });

  it('gives the same draws for the same seed', () => {
    const logits = Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const run = (seed: number) => {
      const rng = seededRng(seed);
      return Array.from({ length: 30 }, () =>
        sampleToken(Float32Array.from(logits), params({ temperature: 1, topP: 0.9, topK: 20 }), rng),
      );
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });
});

describe('penalties and logit bias', () => {
  it('repetition penalty divides positive and multiplies negative logits of seen tokens (prompt and output)', () => {
    const logits = Float32Array.from([2, -2, 2, -2]);
    const counts = new TokenCounts([0, 1]);
    counts.addOutput(2);
    adjustLogits(logits, counts, params({ repetitionPenalty: 2 }));
    expect(Array.from(logits)).toEqual([1, -4, 1, -2]);
  });

  it('frequency and presence penalties follow OpenAI: output tokens only, count-scaled', () => {
    const logits = Float32Array.from([1, 1, 1]);
    const counts = new TokenCounts([2]);
    counts.addOutput(0);
    counts.addOutput(0);
    counts.addOutput(1);
    adjustLogits(logits, counts, params({ frequencyPenalty: 0.5, presencePenalty: 0.25 }));
    expect(Array.from(logits)).toEqual([1 - 1 - 0.25, 1 - 0.5 - 0.25, 1]);
  });

  it('logit bias can force or ban a token', () => {
    const logits = Float32Array.from([5, 0, 0]);
    adjustLogits(
      logits,
      new TokenCounts(),
      params({
        logitBias: new Map([
          [0, -100],
          [2, 10],
        ]),
      }),
    );
    expect(argmax(logits)).toBe(2);
  });
});
