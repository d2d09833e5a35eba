/**
 * Runs dataset validations on one long-lived worker thread, so the server's event loop only passes messages:
 * a few validations at a time, a bounded queue behind them (a full queue is `503 validation_busy`, not an
 * ever-growing backlog), and cancellation when the caller's signal aborts. Errors thrown in the worker reach
 * the caller as the same typed errors (a HearthError keeps its code, a file system error its errno code).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HearthError, type HearthErrorCode } from '../../src/core/errors.ts';
import type { ServerErrorCode } from '../errors.ts';
import { HttpError } from '../http/errors.ts';
import type { DatasetReport } from './validate.ts';

export interface ValidationTask {
  filePath: string;
  /** The base model's folder: its tokenizer and chat template. */
  modelDir: string;
  maxTokens: number;
  minExamples?: number;
}

export type ToWorker = ({ type: 'validate'; id: number } & ValidationTask) | { type: 'cancel'; id: number };

export interface WorkerFailure {
  name: string;
  message: string;
  code?: string;
  hearth: boolean;
  /** An HttpError's status. */
  status?: number;
}

export type FromWorker =
  { type: 'report'; id: number; report: DatasetReport } | { type: 'error'; id: number; error: WorkerFailure };

/** An error thrown inside the worker that was not a HearthError, with its errno-style code kept. */
export class ValidationWorkerError extends Error {
  constructor(
    failure: WorkerFailure,
    readonly code = failure.code,
  ) {
    super(failure.message);
    this.name = failure.name;
  }
}

interface Pending {
  id: number;
  task: ValidationTask;
  resolve(report: DatasetReport): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const WORKER_URL = new URL('./validation-worker.ts', import.meta.url).href;
/** tsx's module API (its ESM build: the CommonJS one cannot register hooks from an eval'd worker). */
const TSX_API_URL = pathToFileURL(
  path.join(
    path.dirname(createRequire(import.meta.url).resolve('tsx/package.json')),
    'dist/esm/api/index.mjs',
  ),
).href;
/**
 * The worker first lowers its own priority (Linux's nice value is per thread: the API thread then wins the CPU
 * whenever both want it, from the worker's start on), then loads tsx: the server runs from TypeScript source,
 * and a worker thread gets tsx's loader only if it registers it.
 */
const BOOTSTRAP = `try { require('node:os').setPriority(19); } catch {}
import(${JSON.stringify(TSX_API_URL)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

export class ValidationPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly running = new Map<number, Pending>();
  private readonly queue: Pending[] = [];

  constructor(private readonly limits: { running: number; queued: number } = { running: 2, queued: 32 }) {}

  validate(task: ValidationTask, signal?: AbortSignal): Promise<DatasetReport> {
    signal?.throwIfAborted();
    if (this.running.size >= this.limits.running && this.queue.length >= this.limits.queued)
      return Promise.reject(
        new HttpError(
          503,
          'validation_busy',
          `The server is validating ${this.running.size + this.queue.length} files already; retry in a minute.`,
        ),
      );
    return new Promise<DatasetReport>((resolve, reject) => {
      const pending: Pending = { id: this.nextId++, task, resolve, reject, signal };
      if (signal) {
        pending.onAbort = () => this.abort(pending);
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /**
   * Starts the worker ahead of the first validation, which would otherwise wait for it to load tsx, the
   * validator and the tokenizer code at the lowest priority (0.3 s on a quiet machine, seconds on a busy one).
   * An idle worker does not keep the process alive.
   */
  warm(): void {
    this.ensureWorker();
    if (!this.running.size) this.worker?.unref();
  }

  /** Stops the worker; validations still running or queued are rejected. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    this.failAll(new Error('The server is shutting down; validation stopped.'));
    await worker?.terminate();
  }

  private dispatch(): void {
    while (this.running.size < this.limits.running && this.queue.length) {
      const pending = this.queue.shift()!;
      this.running.set(pending.id, pending);
      this.ensureWorker().postMessage({
        type: 'validate',
        id: pending.id,
        ...pending.task,
      } satisfies ToWorker);
    }
    // An idle worker must not keep the process alive; a busy one must (a caller awaits it).
    if (this.running.size) this.worker?.ref();
    else this.worker?.unref();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(BOOTSTRAP, { eval: true });
    worker.on('message', (message: FromWorker) => this.settle(message));
    worker.on('error', (error) => this.lose(worker, error));
    worker.on('exit', (code) => this.lose(worker, new Error(`The validation worker exited (code ${code}).`)));
    this.worker = worker;
    return worker;
  }

  private settle(message: FromWorker): void {
    const pending = this.running.get(message.id);
    if (!pending) return; // cancelled meanwhile
    this.finish(pending);
    if (message.type === 'report') pending.resolve(message.report);
    else pending.reject(rebuild(message.error));
    this.dispatch();
  }

  private abort(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued !== -1) this.queue.splice(queued, 1);
    else if (this.running.has(pending.id))
      this.worker?.postMessage({ type: 'cancel', id: pending.id } satisfies ToWorker);
    this.finish(pending);
    pending.reject(pending.signal!.reason);
    this.dispatch();
  }

  private finish(pending: Pending): void {
    this.running.delete(pending.id);
    if (pending.onAbort) pending.signal!.removeEventListener('abort', pending.onAbort);
  }

  /** The worker died (a crash, out of memory): what it ran fails, and the next task starts a fresh one. */
  private lose(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const pending of [...this.running.values()]) {
      this.finish(pending);
      pending.reject(new Error(`Validation failed: ${error.message}`, { cause: error }));
    }
    this.dispatch();
  }

  private failAll(error: Error): void {
    for (const pending of [...this.running.values(), ...this.queue.splice(0)]) {
      this.finish(pending);
      pending.reject(error);
    }
  }
}

function rebuild(failure: WorkerFailure): Error {
  if (failure.hearth && failure.code && failure.status)
    return new HttpError(failure.status, failure.code as ServerErrorCode, failure.message);
  if (failure.hearth && failure.code)
    return new HearthError(failure.code as HearthErrorCode, failure.message);
  return new ValidationWorkerError(failure);
}
