import { describe, expect, it } from 'vitest';
import { lazy } from '../../../src/runtime/lazy.ts';

describe('lazy', () => {
  it('starts nothing until asked, then once for every concurrent caller', async () => {
    let starts = 0;
    const value = lazy(async () => ++starts);
    expect(starts).toBe(0);
    expect(value.peek()).toBeUndefined();
    expect(await Promise.all([value.get(), value.get(), value.get()])).toEqual([1, 1, 1]);
    expect(starts).toBe(1);
    expect(value.peek()).toBe(1);
  });

  it('forgets a failed start, so the next call tries again', async () => {
    let starts = 0;
    const value = lazy(async () => {
      if (++starts === 1) throw new Error('offline');
      return starts;
    });
    await expect(value.get()).rejects.toThrow('offline');
    expect(await value.get()).toBe(2);
  });

  it('reset stops the started value, and a start still under way once it lands', async () => {
    const stopped: number[] = [];
    let release!: () => void;
    let starts = 0;
    const value = lazy(
      () =>
        new Promise<number>((resolve) => {
          const n = ++starts;
          release = () => resolve(n);
        }),
    );
    const first = value.get();
    value.reset((n) => stopped.push(n));
    expect(stopped).toEqual([]);
    release();
    expect(await first).toBe(1);
    await Promise.resolve();
    expect(stopped).toEqual([1]);
    expect(value.peek()).toBeUndefined();
    // After a reset the next call starts afresh.
    const second = value.get();
    release();
    expect(await second).toBe(2);
    value.reset((n) => stopped.push(n));
    await Promise.resolve();
    expect(stopped).toEqual([1, 2]);
  });
});
