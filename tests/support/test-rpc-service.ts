import { HearthError, throwIfAborted, type HearthErrorCode } from '../../src/core/errors.ts';
import type { MethodName } from '../../src/core/rpc/index.ts';
import type { ProgressListener } from '../../src/core/progress.ts';

/** Small checks of the worker RPC's plumbing: streams, cancellation, errors. Served only in tests. */
export class TestRpcService {
  /** How often `unlisted` ran: a caller must never reach it. */
  unlistedCalls = 0;

  /** Streams 1..n, one value every `intervalMs`; stops with ABORTED when the signal fires. */
  async *count(
    n: number,
    options: { intervalMs?: number; signal?: AbortSignal; onProgress?: ProgressListener } = {},
  ): AsyncGenerator<number> {
    for (let i = 1; i <= n; i++) {
      throwIfAborted(options.signal);
      if (options.intervalMs) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
      throwIfAborted(options.signal);
      options.onProgress?.({ phase: 'count', loaded: i, total: n });
      yield i;
    }
  }

  /** Busy work that only an abort can end early; resolves with how far it got. */
  async spin(options: { signal?: AbortSignal; maxMs?: number } = {}): Promise<number> {
    const started = Date.now();
    let rounds = 0;
    while (Date.now() - started < (options.maxMs ?? 10_000)) {
      throwIfAborted(options.signal);
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return rounds;
  }

  fail(code: HearthErrorCode, message: string): never {
    throw new HearthError(code, message, { details: { from: 'test-rpc' } });
  }

  /** A public method left out of TEST_RPC_METHODS. */
  unlisted(): number {
    return ++this.unlistedCalls;
  }
}

export const TEST_RPC_METHODS = [
  'count',
  'spin',
  'fail',
] as const satisfies readonly MethodName<TestRpcService>[];
