import { describe, expect, it } from 'vitest';
import type { Progress } from '../../../src/core/progress.ts';
import { ProgressTracker } from '../../../src/models/download/progress-tracker.ts';

describe('ProgressTracker', () => {
  it('emits per-file and overall progress, counting stored files as loaded', () => {
    const events: Progress[] = [];
    const tracker = new ProgressTracker(
      [
        { path: 'a', total: 100, loaded: 100 },
        { path: 'b', total: 300 },
      ],
      (p) => events.push(p),
      0,
    );
    tracker.start();
    tracker.update('b', 150);
    tracker.update('b', 300);
    expect(events).toEqual([
      { phase: 'download', loaded: 100, total: 400 },
      { phase: 'download', file: 'b', loaded: 150, total: 300 },
      { phase: 'download', loaded: 250, total: 400 },
      { phase: 'download', file: 'b', loaded: 300, total: 300 },
      { phase: 'download', loaded: 400, total: 400 },
    ]);
  });

  it('spaces events out but always reports completion', () => {
    let now = 0;
    const events: Progress[] = [];
    const tracker = new ProgressTracker(
      [{ path: 'f', total: 1000 }],
      (p) => events.push(p),
      50,
      () => now,
    );
    for (let loaded = 10; loaded <= 1000; loaded += 10) {
      now += 1;
      tracker.update('f', loaded);
    }
    const fileEvents = events.filter((e) => e.file === 'f');
    expect(fileEvents.length).toBeLessThanOrEqual(4);
    expect(fileEvents.at(-1)).toEqual({ phase: 'download', file: 'f', loaded: 1000, total: 1000 });
  });

  it('sends a held-back update when the interval ends, so a stalled download shows its last bytes', async () => {
    const events: Progress[] = [];
    // The clock stands still, so every update falls inside the interval; only the timer releases them.
    const tracker = new ProgressTracker(
      [{ path: 'f', total: 100 }],
      (p) => events.push(p),
      20,
      () => 0,
    );
    tracker.update('f', 10);
    tracker.update('f', 50); // held back: inside the interval
    expect(events.filter((e) => e.file).map((e) => e.loaded)).toEqual([10]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(events.filter((e) => e.file).map((e) => e.loaded)).toEqual([10, 50]);
    tracker.update('f', 60);
    tracker.stop();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(events.filter((e) => e.file).map((e) => e.loaded)).toEqual([10, 50]);
  });

  it('learns a total from the response and never reports loaded above total overall', () => {
    const events: Progress[] = [];
    const tracker = new ProgressTracker([{ path: 'f', total: 0 }], (p) => events.push(p), 0);
    tracker.update('f', 10);
    tracker.setTotal('f', 40);
    tracker.update('f', 40);
    expect(events.at(-1)).toEqual({ phase: 'download', loaded: 40, total: 40 });
    expect(events.filter((e) => !e.file).every((e) => e.loaded <= e.total)).toBe(true);
  });
});
