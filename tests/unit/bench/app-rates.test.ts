import { describe, expect, it } from 'vitest';
import { median, paintTimes, tokensPerSecond } from '../../../bench/app/rates.ts';

describe('decode_ratio arithmetic', () => {
  it('takes a rate from the first token to the last', () => {
    // 5 tokens 100 ms apart: 4 intervals in 400 ms is 10 tokens/s, whatever came before the first.
    expect(tokensPerSecond([1000, 1100, 1200, 1300, 1400])).toBe(10);
    expect(() => tokensPerSecond([5])).toThrow(/two tokens/);
    expect(() => tokensPerSecond([5, 5])).toThrow(/all at once/);
  });

  it('paints each token at the first DOM change at or after its arrival', () => {
    const arrivals = [10, 12, 30, 31];
    const mutations = [16, 33, 5, 50];
    expect(paintTimes(arrivals, mutations)).toEqual([16, 16, 33, 33]);
    // A token that arrives after the last change was never painted: an error, not a fast rate.
    expect(() => paintTimes([10, 60], mutations)).toThrow(/Token 2 of 2/);
  });

  it('a view that paints a frame late has a lower painted rate than the stream', () => {
    const arrivals = Array.from({ length: 11 }, (_, i) => i * 100);
    const lateLast = paintTimes(arrivals, [...arrivals.slice(0, 10).map((t) => t + 1), 1250]);
    expect(tokensPerSecond(lateLast) / tokensPerSecond(arrivals)).toBeCloseTo(1000 / 1249, 12);
  });

  it('takes the median of an odd or even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
