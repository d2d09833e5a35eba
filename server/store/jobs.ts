/** Fine-tuning jobs: rows, state changes, and the OpenAI `fine_tuning.job` object. */
import type { Db } from './db.ts';
import { nowSeconds } from './db.ts';
import { fetchPage } from './page.ts';

export const JOB_STATUSES = [
  'validating_files',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled']);

export interface Hyperparameters {
  n_epochs: number;
  batch_size: number;
  learning_rate_multiplier: number;
  lora_r: number;
  lora_alpha: number;
  lora_dropout: number;
  target_modules: string[];
}

export interface JobError {
  code: string;
  message: string;
  param: string | null;
}

export interface JobRow {
  id: string;
  project: string;
  created_at: number;
  status: JobStatus;
  model: string;
  training_file: string;
  validation_file: string | null;
  suffix: string | null;
  adapter_name: string;
  seed: number;
  metadata: Record<string, string> | null;
  hyperparameters: Hyperparameters;
  error: JobError | null;
  fine_tuned_model: string | null;
  started_at: number | null;
  finished_at: number | null;
  /** Unix seconds, projected from the trainer's progress; null until it reports some. */
  estimated_finish: number | null;
  trained_tokens: number | null;
  executor: string;
  handle: string | null;
  log_offset: number;
  cancel_requested: number;
  /** The key that created it (null for jobs older than this column). */
  created_by: string | null;
}

type RawJobRow = Omit<JobRow, 'metadata' | 'hyperparameters' | 'error'> & {
  metadata: string | null;
  hyperparameters: string;
  error: string | null;
};

const decode = (raw: RawJobRow): JobRow => ({
  ...raw,
  metadata: raw.metadata ? (JSON.parse(raw.metadata) as Record<string, string>) : null,
  hyperparameters: JSON.parse(raw.hyperparameters) as Hyperparameters,
  error: raw.error ? (JSON.parse(raw.error) as JobError) : null,
});

/** The OpenAI `fine_tuning.job` object, plus Hearth's `adapter` and `executor` fields. */
export function jobObject(row: JobRow) {
  const { n_epochs, batch_size, learning_rate_multiplier } = row.hyperparameters;
  return {
    id: row.id,
    object: 'fine_tuning.job' as const,
    created_at: row.created_at,
    error: row.error,
    fine_tuned_model: row.fine_tuned_model,
    finished_at: row.finished_at,
    hyperparameters: { n_epochs, batch_size, learning_rate_multiplier },
    method: { type: 'supervised' as const, supervised: { hyperparameters: row.hyperparameters } },
    model: row.model,
    organization_id: row.project,
    result_files: [] as string[],
    seed: row.seed,
    status: row.status,
    trained_tokens: row.trained_tokens,
    training_file: row.training_file,
    validation_file: row.validation_file,
    estimated_finish: FINAL_STATUSES.has(row.status) ? null : row.estimated_finish,
    integrations: null,
    metadata: row.metadata,
    user_provided_suffix: row.suffix,
    adapter: row.fine_tuned_model,
    executor: row.executor,
  };
}

export type NewJob = Pick<
  JobRow,
  | 'id'
  | 'project'
  | 'model'
  | 'training_file'
  | 'validation_file'
  | 'suffix'
  | 'adapter_name'
  | 'seed'
  | 'metadata'
  | 'hyperparameters'
  | 'executor'
  | 'created_by'
>;

export class JobStore {
  constructor(private readonly db: Db) {}

  insert(job: NewJob): JobRow {
    this.db
      .prepare(
        `INSERT INTO jobs (id, project, created_at, status, model, training_file, validation_file, suffix, adapter_name,
           seed, metadata, hyperparameters, executor, created_by)
         VALUES (@id, @project, @created_at, 'validating_files', @model, @training_file, @validation_file, @suffix,
           @adapter_name, @seed, @metadata, @hyperparameters, @executor, @created_by)`,
      )
      .run({
        ...job,
        created_at: nowSeconds(),
        metadata: job.metadata ? JSON.stringify(job.metadata) : null,
        hyperparameters: JSON.stringify(job.hyperparameters),
      });
    return this.require(job.id);
  }

  /** With `project` (and `createdBy`), only a job of that project (made by that key). */
  get(id: string, project?: string, createdBy?: string): JobRow | undefined {
    const raw = this.db.prepare<[string], RawJobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
    if (!raw || (project !== undefined && raw.project !== project)) return undefined;
    if (createdBy !== undefined && raw.created_by !== createdBy) return undefined;
    return decode(raw);
  }

  require(id: string): JobRow {
    const row = this.get(id);
    if (!row) throw new Error(`job ${id} vanished`);
    return row;
  }

  /** Newest first; `after` is the id of the last job of the previous page. */
  list(
    project: string,
    options: { after?: string; limit: number; createdBy?: string },
  ): { rows: JobRow[]; hasMore: boolean } {
    const { page, hasMore } = fetchPage(options.limit, (limit) =>
      this.db
        .prepare<
          { project: string; createdBy: string | null; after: string | null; limit: number },
          RawJobRow
        >(
          `SELECT * FROM jobs WHERE project = @project
           AND (@createdBy IS NULL OR created_by = @createdBy)
           AND (@after IS NULL OR rowid < (SELECT rowid FROM jobs WHERE id = @after))
         ORDER BY rowid DESC LIMIT @limit`,
        )
        .all({ project, createdBy: options.createdBy ?? null, after: options.after ?? null, limit }),
    );
    return { rows: page.map(decode), hasMore };
  }

  /** Jobs that are not final, oldest first: what the runner must drive (or reconcile after a restart). */
  active(): JobRow[] {
    return this.db
      .prepare<[], RawJobRow>(
        `SELECT * FROM jobs WHERE status IN ('validating_files', 'queued', 'running') ORDER BY rowid`,
      )
      .all()
      .map(decode);
  }

  update(id: string, fields: Partial<Omit<JobRow, 'id' | 'project'>>): void {
    const columns = Object.keys(fields);
    if (columns.length === 0) return;
    const values: Record<string, unknown> = { id };
    for (const [key, value] of Object.entries(fields)) {
      values[key] =
        key === 'error' || key === 'metadata' || key === 'hyperparameters'
          ? value === null
            ? null
            : JSON.stringify(value)
          : value;
    }
    this.db
      .prepare(`UPDATE jobs SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`)
      .run(values);
  }

  /** Moves a job to a final state unless it is already final (a late result never overwrites a cancel). */
  finish(id: string, status: 'succeeded' | 'failed' | 'cancelled', fields: Partial<JobRow> = {}): boolean {
    const result = this.db
      .prepare(
        `UPDATE jobs SET status = @status, finished_at = @finished_at, error = @error,
           fine_tuned_model = COALESCE(@fine_tuned_model, fine_tuned_model),
           trained_tokens = COALESCE(@trained_tokens, trained_tokens)
         WHERE id = @id AND status NOT IN ('succeeded', 'failed', 'cancelled')`,
      )
      .run({
        id,
        status,
        finished_at: nowSeconds(),
        error: fields.error ? JSON.stringify(fields.error) : null,
        fine_tuned_model: fields.fine_tuned_model ?? null,
        trained_tokens: fields.trained_tokens ?? null,
      });
    return result.changes > 0;
  }
}
