/**
 * What a job runner needs from a place that runs the trainer. Both executors write the trainer's stdout to
 * `run.stdoutPath` (which the runner tails into job events) and keep running when the server stops, so a
 * restarted server reattaches to its jobs by their handle.
 */
export interface TrainerRun {
  jobId: string;
  /** Folder for this job's files: trainer output, logs, scripts. */
  runDir: string;
  /** The whole trainer command line. */
  argv: string[];
  stdoutPath: string;
  stderrPath: string;
}

export type ExecutorState =
  | { state: 'pending'; reason?: string }
  | { state: 'running' }
  | { state: 'exited'; exitCode: number | null; detail?: string }
  | { state: 'cancelled' }
  | { state: 'lost'; reason: string };

export interface Executor {
  readonly kind: 'local' | 'slurm';
  /** How many jobs may be submitted at once (the local executor runs one at a time). */
  readonly maxConcurrent: number;
  /** Starts the run; returns a handle that survives restarts (a PID, a SLURM job id). */
  submit(run: TrainerRun): Promise<string>;
  poll(handle: string, run: TrainerRun): Promise<ExecutorState>;
  cancel(handle: string, run: TrainerRun): Promise<void>;
}
