import { abortError } from '../../core/errors.ts';

/**
 * Runs `task` while holding an exclusive lock named `name` across every tab and worker of the
 * origin (Web Locks API), so two tabs never download the same file at once: the second waits,
 * then finds the file stored. `onWait` is called when the lock is held elsewhere. Where Web Locks
 * are missing (Node), the lock covers this process only.
 */
export async function withFileLock<T>(
  name: string,
  task: () => Promise<T>,
  options: { signal?: AbortSignal | undefined; onWait?: () => void } = {},
): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return withLocalLock(name, task, options);
  let result: { value: T } | undefined;
  await locks.request(name, { ifAvailable: true }, async (lock) => {
    if (lock) result = { value: await task() };
  });
  if (result) return result.value;
  options.onWait?.();
  try {
    return await locks.request(name, { signal: options.signal }, task);
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    throw error;
  }
}

const localQueues = new Map<string, Promise<unknown>>();

async function withLocalLock<T>(
  name: string,
  task: () => Promise<T>,
  options: { signal?: AbortSignal | undefined; onWait?: () => void },
): Promise<T> {
  const previous = localQueues.get(name);
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const queued = (previous ?? Promise.resolve()).then(() => mine);
  localQueues.set(name, queued);
  try {
    if (previous) {
      options.onWait?.();
      await previous.catch(() => undefined);
    }
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    return await task();
  } finally {
    release();
    if (localQueues.get(name) === queued) localQueues.delete(name);
  }
}
