import { HearthError, toHearthError } from '../../core/errors.ts';
import type { ProgressListener } from '../../core/progress.ts';
import { storageWrite } from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import type { IngestJobRecord, IngestResult } from '../types.ts';

export type JobRunner = (
  job: IngestJobRecord & { id: number },
  options: { signal: AbortSignal; onProgress: ProgressListener },
) => Promise<IngestResult | null>;

interface Waiter {
  resolve: (result: IngestResult | null) => void;
  reject: (error: HearthError) => void;
  onProgress?: ProgressListener;
}

/** Refusals of the input itself: retrying cannot help, so the job is removed, not kept as failed. */
const PERMANENT = new Set<string>([
  'RAG_EMPTY_DOCUMENT',
  'RAG_DOCUMENT_TOO_LARGE',
  'RAG_BINARY_CONTENT',
  'RAG_INVALID_UTF8',
  'RAG_NOT_FOUND',
  'RAG_MODEL_MISMATCH',
  'RAG_PDF_NO_TEXT',
  'RAG_PDF_ENCRYPTED',
  'RAG_PDF_MALFORMED',
  'RAG_PDF_TOO_MANY_PAGES',
  'INVALID_INPUT',
]);

/** Attempts after which a job that keeps dying with its page is reported as failed, not retried. */
const MAX_ATTEMPTS = 3;

/**
 * The persistent ingest queue. Jobs are records in IndexedDB (with their content as a Blob), run
 * one at a time in order. A job found 'running' when the store opens was cut off by a closed or
 * crashed page: its staged rows are discarded by the runner and it runs again, up to MAX_ATTEMPTS.
 * Failed jobs stay in the queue with their error until retried or dismissed.
 */
export class IngestQueue {
  private readonly waiters = new Map<number, Waiter[]>();
  private readonly cancels = new Map<number, AbortController>();
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: RagDatabase,
    private readonly run: JobRunner,
  ) {}

  async enqueue(
    job: Omit<IngestJobRecord, 'id' | 'state' | 'attempts' | 'error' | 'createdAt'>,
  ): Promise<number> {
    const id = await storageWrite(() =>
      this.db.add('ingestJobs', { ...job, state: 'queued', attempts: 0, error: null, createdAt: Date.now() }),
    );
    this.kick();
    return id;
  }

  /** Resolves with the job's result (null for jobs without one) once it has run. */
  wait(id: number, onProgress?: ProgressListener): Promise<IngestResult | null> {
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject, onProgress });
      this.waiters.set(id, list);
      void this.db.get('ingestJobs', id).then((job) => {
        if (!job && !this.cancels.has(id))
          this.settle(
            id,
            null,
            new HearthError('RAG_NOT_FOUND', `Job ${id} is not queued (it may be finished already).`),
          );
        else if (job?.state === 'failed')
          this.settle(id, null, new HearthError(job.error!.code, job.error!.message));
      });
    });
  }

  async list(): Promise<IngestJobRecord[]> {
    return (await this.db.getAll('ingestJobs')).map((job) => ({
      ...job,
      input: job.input && { ...job.input },
    }));
  }

  async cancel(id: number): Promise<void> {
    this.cancels.get(id)?.abort(new HearthError('ABORTED', 'The ingest job was cancelled.'));
    await this.db.delete('ingestJobs', id);
  }

  async retry(id: number): Promise<void> {
    const job = await this.db.get('ingestJobs', id);
    if (job?.state !== 'failed') return;
    await this.db.put('ingestJobs', { ...job, state: 'queued', attempts: 0, error: null });
    this.kick();
  }

  /** Starts processing (also what resumes jobs left by a previous page). */
  kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  stop(): void {
    this.stopped = true;
    for (const controller of this.cancels.values())
      controller.abort(new HearthError('ABORTED', 'The store was closed.'));
  }

  /** Resolves when the queue has nothing left to run. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const jobs = await this.db.getAll('ingestJobs');
      const job = jobs.find((candidate) => candidate.state !== 'failed') as
        (IngestJobRecord & { id: number }) | undefined;
      if (!job) return;
      if (job.attempts >= MAX_ATTEMPTS) {
        await this.fail(
          job,
          new HearthError(
            'RAG_INGEST_INTERRUPTED',
            `Ingesting "${job.input?.title ?? job.kind}" was interrupted ${job.attempts} times. Retry it, or remove it and add the document again.`,
          ),
        );
        continue;
      }
      await this.db.put('ingestJobs', { ...job, state: 'running', attempts: job.attempts + 1 });
      const controller = new AbortController();
      this.cancels.set(job.id, controller);
      try {
        const result = await this.run(job, {
          signal: controller.signal,
          onProgress: (progress) =>
            this.waiters.get(job.id)?.forEach((waiter) => waiter.onProgress?.(progress)),
        });
        await this.db.delete('ingestJobs', job.id);
        this.settle(job.id, result, null);
      } catch (error) {
        const failure = toHearthError(error);
        if (this.stopped) return;
        if (failure.code === 'ABORTED' || PERMANENT.has(failure.code)) {
          // Nothing to retry: the input itself was refused (or the user cancelled).
          await this.db.delete('ingestJobs', job.id);
          this.settle(job.id, null, failure);
        } else {
          await this.fail(job, failure);
        }
      } finally {
        this.cancels.delete(job.id);
      }
    }
  }

  private async fail(job: IngestJobRecord & { id: number }, error: HearthError): Promise<void> {
    await this.db.put('ingestJobs', {
      ...job,
      state: 'failed',
      error: { code: error.code, message: error.message },
    });
    this.settle(job.id, null, error);
  }

  private settle(id: number, result: IngestResult | null, error: HearthError | null): void {
    const list = this.waiters.get(id) ?? [];
    this.waiters.delete(id);
    for (const waiter of list) {
      if (error) waiter.reject(error);
      else waiter.resolve(result);
    }
  }
}
