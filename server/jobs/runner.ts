/**
 * Drives every job through its states: validating_files -> queued -> running -> succeeded | failed | cancelled.
 * All state lives in the database and the run folders, so `start()` after a restart simply picks up where the
 * last process stopped: it revalidates, resubmits what was never submitted, and reattaches to what was.
 */
import { toHearthError } from '../../src/core/errors.ts';
import { serverError } from '../errors.ts';
import { isStorageFull } from '../http/error-reply.ts';
import type { BlobStore } from '../artifacts/blob-store.ts';
import type { ServerConfig } from '../config.ts';
import type { Executor, ExecutorState, TrainerRun } from '../executors/types.ts';
import type { ModelCatalog } from '../models/catalog.ts';
import type { DatasetReports } from '../datasets/report-cache.ts';
import type { AdapterStore } from '../store/adapters.ts';
import type { Db } from '../store/db.ts';
import { nowSeconds } from '../store/db.ts';
import type { EventStore } from '../store/events.ts';
import type { FileStore } from '../store/files.ts';
import type { JobError, JobRow, JobStore } from '../store/jobs.ts';
import { FINAL_STATUSES } from '../store/jobs.ts';
import { readNewLines } from './log-tail.ts';
import { prepareAdapter } from './publish.ts';
import { RunFolders } from './run-folder.ts';
import { runOutcome } from './run-outcome.ts';
import { recordForLine } from './trainer-events.ts';
import { validateJobFiles } from './validate-files.ts';

export interface RunnerServices {
  config: ServerConfig;
  db: Db;
  jobs: JobStore;
  events: EventStore;
  files: FileStore;
  blobs: BlobStore;
  adapters: AdapterStore;
  catalog: ModelCatalog;
  reports: DatasetReports;
  executor: Executor;
}

export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = true;
  /** Jobs whose validation is in progress in this process. */
  private readonly validating = new Set<string>();
  /** The last queue reason reported per job, so each change becomes one event. */
  private readonly pendingReason = new Map<string, string>();
  /** Jobs submitted by another executor kind, already warned about. */
  private readonly foreign = new Set<string>();
  /** When the disk filled up (null while writes succeed), and the ticks failed since. */
  private diskFullSince: number | null = null;
  private diskFullRetries = 0;

  private readonly folders: RunFolders;

  constructor(private readonly s: RunnerServices) {
    this.folders = new RunFolders(s);
  }

  private trainerRun(job: JobRow): TrainerRun {
    return this.folders.trainerRun(job);
  }

  start(): void {
    this.stopped = false;
    const pending = this.s.jobs.active();
    if (pending.length)
      console.log(
        `hearth: reconciling ${pending.length} unfinished job(s) with the ${this.s.executor.kind} executor`,
      );
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** Called after a job is created: check it now rather than on the next tick. */
  poke(): void {
    if (!this.stopped && !this.ticking) this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.ticking = this.tick()
        .then(() => {
          if (this.diskFullSince !== null)
            console.log('hearth: the disk has space again; the job runner resumes its normal pace');
          this.diskFullSince = null;
        })
        .catch((error: unknown) => this.tickFailed(error))
        .finally(() => {
          this.ticking = null;
          this.schedule(this.nextDelay());
        });
    }, delay);
  }

  /**
   * A full disk fails every write of every tick until someone frees space: say so once, keep the jobs as they
   * are (their trainers keep running), and poll less often until a tick succeeds again.
   */
  private tickFailed(error: unknown): void {
    if (!isStorageFull(error)) {
      console.error('hearth: job runner tick failed', error);
      return;
    }
    if (this.diskFullSince === null) {
      this.diskFullSince = Date.now();
      console.error(
        `hearth: disk full (${(error as { code?: string }).code}): the job runner cannot record progress; jobs are kept as they are and it retries with a growing pause until there is space again`,
      );
    }
    this.diskFullRetries++;
  }

  private nextDelay(): number {
    const base = this.s.config.pollIntervalMs;
    if (this.diskFullSince === null) {
      this.diskFullRetries = 0;
      return base;
    }
    return Math.min(base * 2 ** Math.min(this.diskFullRetries, 10), Math.max(base, 2000));
  }

  private async tick(): Promise<void> {
    const active = this.s.jobs.active();
    let submitted = active.filter(
      (job) => job.handle !== null && job.executor === this.s.executor.kind,
    ).length;
    for (const job of active) {
      if (this.stopped) return;
      if (job.handle !== null && job.executor !== this.s.executor.kind) {
        // Submitted elsewhere: leave it for a server started with that executor rather than lose it.
        if (!this.foreign.has(job.id)) {
          this.foreign.add(job.id);
          console.warn(
            `hearth: ${job.id} runs on the ${job.executor} executor; start the server with HEARTH_EXECUTOR=${job.executor} to follow it`,
          );
        }
      } else if (job.cancel_requested) {
        await this.cancel(job.id);
      } else if (job.status === 'validating_files') {
        if (!this.validating.has(job.id)) void this.validate(job);
      } else if (job.handle !== null) {
        await this.follow(job);
      } else if (job.status === 'queued' && submitted < this.s.executor.maxConcurrent) {
        submitted++;
        await this.submit(job);
      }
    }
  }

  private async validate(job: JobRow): Promise<void> {
    this.validating.add(job.id);
    try {
      this.s.events.add(job.id, { message: 'Validating training file' });
      const verdict = await validateJobFiles(job, this.s);
      const report = verdict.reports.training;
      for (const [which, fileReport] of Object.entries(verdict.reports))
        for (const error of fileReport?.errors ?? [])
          this.s.events.add(job.id, {
            level: 'error',
            message: `${which} file line ${error.line}: ${error.message}`,
            data: { file: which, line: error.line, code: error.code },
          });
      if (verdict.error) {
        this.fail(job.id, verdict.error);
        return;
      }
      this.folders.writeValidation(job.id, verdict.reports);
      this.s.db.transaction(() => {
        if (this.s.jobs.get(job.id)?.status !== 'validating_files') return;
        this.s.jobs.update(job.id, { status: 'queued' });
        this.s.events.add(job.id, {
          message: `Files validated: ${report.examples} examples, at most ${report.total_tokens} tokens. Job queued.`,
          data: { examples: report.examples, tokens: report.total_tokens },
        });
      })();
      this.poke();
    } catch (error) {
      if (isStorageFull(error))
        this.tickFailed(error); // left in validating_files: retried on a later tick
      else
        this.fail(job.id, { code: 'validation_failed', message: toHearthError(error).message, param: null });
    } finally {
      this.validating.delete(job.id);
    }
  }

  private async submit(job: JobRow): Promise<void> {
    const run = this.trainerRun(job);
    try {
      this.folders.prepare(job, run);
      const handle = await this.s.executor.submit(run);
      this.s.db.transaction(() => {
        this.s.jobs.update(job.id, { handle, log_offset: 0, executor: this.s.executor.kind });
        this.s.events.add(job.id, {
          message: `Submitted to the ${this.s.executor.kind} executor (${handle}).`,
          data: { handle },
        });
      })();
      // A cancel that arrived while the executor was starting the run found no handle to stop: stop it now.
      if (this.s.jobs.get(job.id)?.cancel_requested) {
        await this.s.executor.cancel(handle, run);
        return;
      }
      await this.follow(this.s.jobs.require(job.id));
    } catch (error) {
      if (isStorageFull(error)) throw error; // not the executor's fault: the job waits for space
      const hearth = toHearthError(error, 'executor_submit_failed');
      this.fail(job.id, { code: hearth.code, message: hearth.message, param: null });
    }
  }

  /** Polls the executor, turns new trainer lines into events, and settles the job when the run is over. */
  private async follow(job: JobRow): Promise<void> {
    const run = this.trainerRun(job);
    let state: ExecutorState;
    try {
      state = await this.s.executor.poll(job.handle!, run);
    } catch (error) {
      if (isStorageFull(error)) throw error;
      console.error(`hearth: polling ${job.id} failed`, error);
      return;
    }
    const over = state.state === 'exited' || state.state === 'cancelled' || state.state === 'lost';
    if (state.state === 'running' && job.status === 'queued') this.markRunning(job.id);
    if (state.state === 'pending' && state.reason && this.pendingReason.get(job.id) !== state.reason) {
      this.pendingReason.set(job.id, state.reason);
      this.s.events.add(job.id, { message: `Waiting in the ${this.s.executor.kind} queue: ${state.reason}` });
    }
    this.drain(job, run, over);
    if (!over) return;
    this.pendingReason.delete(job.id);
    if (state.state === 'cancelled') {
      if (this.s.jobs.finish(job.id, 'cancelled'))
        this.s.events.add(job.id, { message: 'The job was cancelled on the cluster.' });
      return;
    }
    if (state.state === 'lost') {
      this.fail(job.id, { code: 'executor_lost', message: state.reason, param: null });
      return;
    }
    if (state.state === 'exited') await this.settle(job, run, state.exitCode, state.detail);
  }

  private markRunning(jobId: string): void {
    this.s.db.transaction(() => {
      const current = this.s.jobs.get(jobId);
      if (current?.status !== 'queued') return;
      this.s.jobs.update(jobId, { status: 'running', started_at: nowSeconds() });
      this.s.events.add(jobId, { message: 'Fine-tuning job started' });
    })();
  }

  private drain(job: JobRow, run: TrainerRun, final: boolean): void {
    const { lines, offset } = readNewLines(run.stdoutPath, job.log_offset, final);
    if (offset === job.log_offset) return;
    this.s.db.transaction(() => {
      for (const line of lines) this.record(job, line);
      this.s.jobs.update(job.id, { log_offset: offset });
    })();
  }

  private record(job: JobRow, line: string): void {
    const record = recordForLine(line);
    if (record.progress) this.progressed(job.id, record.event.data as { step: number; total_steps: number });
    if (record.checkpoint)
      this.s.events.addCheckpoint(job.id, record.checkpoint.step, record.checkpoint.dir, {
        step: record.checkpoint.step,
      });
    this.s.events.add(job.id, record.event);
  }

  /** Marks the job running (a progress line proves it) and projects its finish from the pace so far. */
  private progressed(jobId: string, progress: { step: number; total_steps: number }): void {
    if (this.s.jobs.get(jobId)?.status === 'queued') this.markRunning(jobId);
    const startedAt = this.s.jobs.get(jobId)?.started_at;
    if (!startedAt || progress.step <= 0) return;
    const now = nowSeconds();
    const perStep = (now - startedAt) / progress.step;
    const remaining = Math.max(0, progress.total_steps - progress.step);
    this.s.jobs.update(jobId, { estimated_finish: Math.round(now + perStep * remaining) });
  }

  private async settle(
    job: JobRow,
    run: TrainerRun,
    exitCode: number | null,
    detail?: string,
  ): Promise<void> {
    const outcome = runOutcome(run, exitCode, detail);
    if (outcome.kind === 'failed') {
      this.fail(job.id, outcome.error);
      return;
    }
    const { result } = outcome;
    try {
      const adapter = await prepareAdapter(result.adapter_dir, this.folders.outputDir(run), this.s.blobs);
      this.s.db.transaction(() => {
        const current = this.s.jobs.get(job.id);
        if (!current || FINAL_STATUSES.has(current.status)) return; // cancelled meanwhile: publish nothing
        const manifest = this.s.adapters.publish({
          project: job.project,
          name: job.adapter_name,
          baseModel: job.model,
          peftConfig: adapter.peftConfig,
          files: adapter.files,
          jobId: job.id,
        });
        const trained = Number(
          result.metrics.trained_tokens ?? result.metrics.tokens ?? this.folders.plannedTokens(job),
        );
        this.s.events.add(job.id, {
          message: `New adapter published: ${manifest.id}`,
          data: { adapter: manifest.id },
        });
        this.s.jobs.finish(job.id, 'succeeded', {
          fine_tuned_model: manifest.id,
          trained_tokens: Number.isFinite(trained) ? trained : null,
        });
        this.s.events.add(job.id, { message: 'The job has successfully completed' });
      })();
    } catch (error) {
      if (isStorageFull(error)) throw error; // the trainer succeeded: settle it once there is space
      const hearth = toHearthError(error, 'publish_failed');
      this.fail(job.id, { code: hearth.code, message: hearth.message, param: null });
    }
  }

  private fail(jobId: string, error: JobError): void {
    this.s.db.transaction(() => {
      if (this.s.jobs.finish(jobId, 'failed', { error }))
        this.s.events.add(jobId, {
          level: 'error',
          message: `Job failed: ${error.message}`,
          data: { code: error.code },
        });
    })();
  }

  /** Stops the run (if any) and marks the job cancelled. Safe to call again after a restart. */
  async cancel(jobId: string): Promise<void> {
    const job = this.s.jobs.get(jobId);
    if (!job || FINAL_STATUSES.has(job.status)) return;
    // A handle means something only to the executor that issued it (a SLURM job id is not a PID).
    if (job.handle !== null && job.executor !== this.s.executor.kind)
      throw serverError(
        'job_on_other_executor',
        `The job runs on the ${job.executor} executor; cancel it from a server started with HEARTH_EXECUTOR=${job.executor}.`,
      );
    this.s.jobs.update(jobId, { cancel_requested: 1 });
    if (job.handle !== null) await this.s.executor.cancel(job.handle, this.trainerRun(job));
    this.s.db.transaction(() => {
      if (this.s.jobs.finish(jobId, 'cancelled'))
        this.s.events.add(jobId, { message: 'Fine-tuning job cancelled' });
    })();
  }
}
