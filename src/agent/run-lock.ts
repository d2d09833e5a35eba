/**
 * One lock per run, so two tabs never execute the same run: the Web Locks API, whose locks the
 * browser frees when a tab closes or crashes, so a run left by a dead tab can be taken over.
 */
export interface RunLocks {
  /** Holds `name` until the returned release is called; undefined when someone else holds it. */
  tryAcquire(name: string): Promise<(() => void) | undefined>;
  /** The names held now, by any tab of this origin. */
  held(): Promise<Set<string>>;
}

export const runLockName = (rootRunId: string) => `hearth-agent-run:${rootRunId}`;

export function webLocks(locks: LockManager): RunLocks {
  return {
    tryAcquire: (name) =>
      new Promise((acquired) => {
        locks
          .request(name, { ifAvailable: true }, (lock) => {
            if (!lock) {
              acquired(undefined);
              return undefined;
            }
            return new Promise<void>((release) => acquired(() => release()));
          })
          .catch(() => acquired(undefined));
      }),
    held: async () => {
      const snapshot = await locks.query();
      return new Set((snapshot.held ?? []).flatMap((lock) => (lock.name ? [lock.name] : [])));
    },
  };
}

/** Where there are no Web Locks (Node, tests): locks of this process only. */
export function memoryLocks(): RunLocks {
  const names = new Set<string>();
  return {
    tryAcquire: async (name) => {
      if (names.has(name)) return undefined;
      names.add(name);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        names.delete(name);
      };
    },
    held: async () => new Set(names),
  };
}

export function defaultLocks(): RunLocks {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? webLocks(locks) : memoryLocks();
}
