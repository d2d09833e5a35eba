/**
 * Starts something on first use and shares it between concurrent callers. A start that fails is
 * forgotten, so the next call tries again (after the user fixed a URL, freed memory, …).
 */
export interface Lazy<T> {
  get(): Promise<T>;
  /** The started value, if a start has succeeded since the last reset; undefined before. */
  peek(): T | undefined;
  /** Forgets the value and hands it to `stop`; the next `get()` starts afresh. */
  reset(stop: (value: T) => void): void;
}

export function lazy<T>(start: () => Promise<T>): Lazy<T> {
  let pending: Promise<T> | undefined;
  let value: T | undefined;
  return {
    get() {
      if (pending) return pending;
      const starting: Promise<T> = start().then(
        (started) => {
          // A start that was reset while under way is not this Lazy's value any more.
          if (pending === starting) value = started;
          return started;
        },
        (error: unknown) => {
          if (pending === starting) pending = undefined;
          throw error;
        },
      );
      pending = starting;
      return starting;
    },
    peek: () => value,
    reset(stop) {
      const started = pending;
      pending = undefined;
      value = undefined;
      // A start still under way is stopped once it lands, so no worker outlives its owner.
      void started?.then(stop, () => undefined);
    },
  };
}
