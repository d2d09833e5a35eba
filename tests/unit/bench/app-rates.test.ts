import { describe, expect, it } from 'vitest';
import { median, paintedPerSecond, paintTimes, tokensPerSecond } from '../../../bench/app/rates.ts';

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

  it('a view that holds its first tokens back and paints them together is not faster than the stream', () => {
    // 11 tokens 100 ms apart (10 tokens/s); the first 6 painted together at 500 ms, the rest as they come.
    const arrivals = Array.from({ length: 11 }, (_, i) => i * 100);
    const paints = paintTimes(arrivals, [500, 600, 700, 800, 900, 1000]);
    expect(paints).toEqual([500, 500, 500, 500, 500, 500, 600, 700, 800, 900, 1000]);
    // From the first paint the span would be 500 ms (20 tokens/s, twice the stream's rate); from the first
    // token taken it is 1000 ms: exactly the stream's 10 tokens/s.
    expect(tokensPerSecond(paints)).toBe(20);
    expect(paintedPerSecond(arrivals, paints)).toBe(10);
    // A last frame painted 250 ms late lowers the rate: 10 intervals over 1250 ms.
    expect(paintedPerSecond(arrivals, [...paints.slice(0, 10), 1250])).toBe(8);
    expect(() => paintedPerSecond([1, 2], [3])).toThrow(/as many paints/);
  });

  it('takes the median of an odd or even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
