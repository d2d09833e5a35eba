import { HearthError, throwIfAborted } from '../../core/errors.ts';
import type { ProgressListener } from '../../core/progress.ts';
import { probeDevice } from './probe.ts';
import type { DeviceReport } from './report.ts';
import { runComputeCheck } from './webgpu.ts';

/** The probe worker's API: the device report, a WebGPU smoke test, and small checks of the plumbing. */
export class ProbeService {
  probe(): Promise<DeviceReport> {
    return probeDevice();
  }

  computeCheck(input: Float32Array): Promise<Float32Array> {
    return runComputeCheck(input);
  }

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

  fail(code: string, message: string): never {
    throw new HearthError(code, message, { details: { from: 'probe' } });
  }
}
