/**
 * Resolves once the page has been quiet for `quietMs` in a row — nothing but long idle periods
 * (a deadline close to the 50 ms the browser gives at most means nothing else was scheduled) — or
 * after `maxWaitMs` at the latest. For background work that must not compete with what the person
 * is doing, such as storing the app for offline use while an answer streams in.
 */
export function whenQuiet(quietMs = 1_000, maxWaitMs = 60_000): Promise<void> {
  return new Promise((resolve) => {
    const latest = setTimeout(resolve, maxWaitMs);
    const done = () => {
      clearTimeout(latest);
      resolve();
    };
    if (typeof requestIdleCallback !== 'function') return void setTimeout(done, quietMs);
    let quietSince: number | undefined;
    const look = (deadline: IdleDeadline) => {
      const now = performance.now();
      if (deadline.timeRemaining() >= 40) {
        quietSince ??= now;
        if (now - quietSince >= quietMs) return done();
      } else quietSince = undefined;
      requestIdleCallback(look);
    };
    requestIdleCallback(look);
  });
}
