import { HearthError } from '../../core/errors.ts';

export function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new HearthError('ABORTED', 'Stopped.');
}

/** Waits for `promise` unless the answer is stopped first (a model load goes on for the others). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new HearthError('ABORTED', 'Stopped.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new HearthError('ABORTED', 'Stopped.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
