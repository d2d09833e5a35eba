import type { AdapterSync, TrainingJob, TrainingProgress } from '../../runtime/index.ts';
import { explain, type Explained } from './explain.ts';

/** One conversation sent for training: upload, job, and the job's progress as the server streams it. */
export class TrainingTask {
  readonly id = crypto.randomUUID();
  phase: 'uploading' | 'following' | 'ended' | 'failed' = 'uploading';
  job: TrainingJob | null = null;
  progress: TrainingProgress | null = null;
  /** The server's newest event message ("Step 2/3: training loss=…"). */
  lastMessage = '';
  error: Explained | null = null;
  cancelling = false;
  private readonly controller = new AbortController();

  constructor(
    readonly title: string,
    private readonly sync: AdapterSync,
  ) {}

  get status(): string {
    return this.job?.status ?? 'uploading';
  }

  get final(): boolean {
    return this.phase === 'ended' || this.phase === 'failed';
  }

  /** Uploads `line` as a one-example chat JSONL file, creates the job, then follows it until it ends. */
  async run(line: string, changed: () => void): Promise<void> {
    const { signal } = this.controller;
    try {
      const file = await this.sync.training.upload([line], signal);
      this.job = await this.sync.training.createJob(
        { model: this.sync.baseModel, trainingFile: file.id },
        signal,
      );
      this.phase = 'following';
      changed();
      for await (const update of this.sync.training.followJob(this.job.id, signal)) {
        if (update.type === 'end') {
          this.job = update.job;
          this.phase = 'ended';
        } else {
          this.lastMessage = update.event.message;
          if (update.progress) this.progress = update.progress;
          if (this.job.status === 'validating_files' || this.job.status === 'queued')
            this.job = { ...this.job, status: update.progress ? 'running' : this.job.status };
        }
        changed();
      }
    } catch (error) {
      if (!signal.aborted) {
        this.error = explain(error);
        this.phase = 'failed';
      }
    }
    changed();
  }

  /** Asks the server to stop the job; the stream then ends with the job cancelled. */
  async cancel(changed: () => void): Promise<void> {
    if (!this.job || this.final) return;
    this.cancelling = true;
    changed();
    try {
      await this.sync.training.cancel(this.job.id);
    } catch (error) {
      this.error = explain(error);
    }
    this.cancelling = false;
    changed();
  }

  /** Stops following (the view went away); the job goes on on the server. */
  stop(): void {
    this.controller.abort();
  }
}
