import { HearthError } from '../../../core/errors.ts';
import type { WasmHeap } from './heap.ts';
import {
  claimAndRun,
  CLAIM,
  CONTROL_WORDS,
  DONE,
  JOB,
  jobChunks,
  jobOp,
  Op,
  runChunk,
  writeStop,
} from './jobs.ts';
import { instantiateKernels, type DecoderKernels } from './kernels/instance.ts';

/** What the pool needs of a worker (a browser Worker has it; tests adapt Node's). */
export interface PoolWorker {
  postMessage(message: unknown): void;
  addEventListener(
    type: 'message' | 'error',
    listener: (event: { data?: unknown; message?: string }) => void,
  ): void;
  terminate(): void;
}

/** The message that starts a helper (workers/wasm-decoder-pool.worker.ts). */
export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: number;
  thread: number;
  threads: number;
}

/** A helper that finds no job for this many polls goes to sleep on the job counter (Atomics.wait). */
const SPINS_BEFORE_SLEEP = 200_000;
/** A job that takes this long means a helper holding a chunk is gone: fail instead of spinning forever. */
const STALL_MS = 60_000;

/**
 * Runs the jobs of a forward pass (jobs.ts) on this thread alone, or on this thread and a pool of
 * helpers over the same shared memory: the caller writes a job into the control block, `run()` wakes
 * the helpers, every thread claims chunks until none is left, and this one spins until all are done.
 * Spinning (not Atomics.wait) keeps the hand-off at microseconds: a decode step has five jobs a layer.
 */
export class Executor {
  private job = 0;

  private constructor(
    readonly kernels: DecoderKernels,
    private readonly heap: WasmHeap,
    readonly control: number,
    readonly threads: number,
    private readonly workers: PoolWorker[],
  ) {}

  static single(kernels: DecoderKernels, heap: WasmHeap): Executor {
    return new Executor(kernels, heap, heap.alloc(CONTROL_WORDS * 4, 'scratch'), 1, []);
  }

  /** Starts `threads - 1` helpers on `module` over the heap's (shared) memory. */
  static async pool(
    kernels: DecoderKernels,
    heap: WasmHeap,
    module: WebAssembly.Module,
    threads: number,
    spawn: () => PoolWorker,
  ): Promise<Executor> {
    const control = heap.alloc(CONTROL_WORDS * 4, 'scratch');
    const workers: PoolWorker[] = [];
    try {
      await Promise.all(
        Array.from({ length: threads - 1 }, (_, index) => {
          const worker = spawn();
          workers.push(worker);
          return new Promise<void>((resolve, reject) => {
            worker.addEventListener('message', (event) => (event.data === 'ready' ? resolve() : undefined));
            worker.addEventListener('error', (event) =>
              reject(new Error(event.message ?? 'a decoder thread failed to start')),
            );
            const start: HelperStart = { module, memory: heap.memory, control, thread: index + 1, threads };
            worker.postMessage(start);
          });
        }),
      );
    } catch (error) {
      workers.forEach((worker) => worker.terminate());
      throw new HearthError(
        'WORKER_FAILED',
        `The decoder's threads did not start (${(error as Error).message}).`,
        {
          cause: error,
        },
      );
    }
    return new Executor(kernels, heap, control, threads, workers);
  }

  /** Runs the job written in the control block on every thread and returns when all of it is done. */
  run(): void {
    const i32 = this.heap.i32;
    const f32 = this.heap.f32;
    const chunks = jobChunks(i32, this.control);
    if (this.threads === 1) {
      for (let chunk = 0; chunk < chunks; chunk++) runChunk(this.kernels, i32, f32, this.control, chunk, 0);
      return;
    }
    const base = this.control / 4;
    this.job = (this.job + 1) & 0x7fff;
    Atomics.store(i32, base + DONE, 0);
    Atomics.store(i32, base + CLAIM, this.job << 16);
    Atomics.store(i32, base + JOB, this.job);
    Atomics.notify(i32, base + JOB);
    claimAndRun(this.kernels, i32, f32, this.control, this.job, 0);
    const started = performance.now();
    for (let spins = 0; Atomics.load(i32, base + DONE) < chunks; spins++) {
      if ((spins & 0xfffff) === 0xfffff && performance.now() - started > STALL_MS) {
        throw new HearthError('WORKER_FAILED', 'A decoder thread stopped answering. Reload the model.');
      }
    }
    // Close the job before its arguments are overwritten: a late helper's claim now fails.
    Atomics.store(i32, base + CLAIM, (this.job << 16) | 0xffff);
  }

  dispose(): void {
    if (this.workers.length > 0) {
      const i32 = this.heap.i32;
      writeStop(i32, this.control);
      this.job = (this.job + 1) & 0x7fff;
      Atomics.store(i32, this.control / 4 + JOB, this.job);
      Atomics.notify(i32, this.control / 4 + JOB);
      this.workers.forEach((worker) => worker.terminate());
    }
  }
}

/**
 * A helper thread's life: instantiate the kernels over the shared memory, say ready, then run its
 * share of every job until told to stop. Spins a while between jobs (a decode step's jobs come
 * microseconds apart), then sleeps on the job counter.
 */
export function serveHelper(start: HelperStart, ready: () => void): void {
  const kernels = instantiateKernels(start.module, start.memory);
  // The control block sits at a fixed offset below any growth: views made now stay valid for it.
  const i32 = new Int32Array(start.memory.buffer);
  const f32 = new Float32Array(start.memory.buffer);
  const base = start.control / 4;
  let seen = Atomics.load(i32, base + JOB);
  ready();
  for (;;) {
    for (let spins = 0; Atomics.load(i32, base + JOB) === seen; spins++) {
      if (spins > SPINS_BEFORE_SLEEP) {
        Atomics.wait(i32, base + JOB, seen);
        spins = 0;
      }
    }
    seen = Atomics.load(i32, base + JOB);
    if (jobOp(i32, start.control) === Op.Stop) return;
    claimAndRun(kernels, i32, f32, start.control, seen, start.thread);
  }
}
