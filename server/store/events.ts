/** Job events (`fine_tuning.job.event`) and checkpoints (`fine_tuning.job.checkpoint`). */
import { EventEmitter } from 'node:events';
import type { Db } from './db.ts';
import { nowSeconds } from './db.ts';
import { newId } from './ids.ts';
import { fetchPage } from './page.ts';

export interface JobEvent {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, unknown> | null;
}

interface RawEvent {
  seq: number;
  id: string;
  created_at: number;
  level: JobEvent['level'];
  message: string;
  type: JobEvent['type'];
  data: string | null;
}

const decode = (raw: RawEvent): JobEvent & { seq: number } => ({
  object: 'fine_tuning.job.event',
  seq: raw.seq,
  id: raw.id,
  created_at: raw.created_at,
  level: raw.level,
  message: raw.message,
  type: raw.type,
  data: raw.data ? (JSON.parse(raw.data) as Record<string, unknown>) : null,
});

export const publicEvent = ({ seq: _seq, ...event }: JobEvent & { seq: number }): JobEvent => event;

export interface Checkpoint {
  object: 'fine_tuning.job.checkpoint';
  id: string;
  created_at: number;
  fine_tuned_model_checkpoint: string;
  fine_tuning_job_id: string;
  step_number: number;
  metrics: Record<string, number>;
}

export class EventStore {
  /** Emits `job:<id>` with each new event, for server-sent event streams. */
  readonly bus = new EventEmitter().setMaxListeners(0);

  constructor(private readonly db: Db) {}

  add(
    jobId: string,
    event: {
      level?: JobEvent['level'];
      message: string;
      type?: JobEvent['type'];
      data?: Record<string, unknown>;
    },
  ): void {
    const raw: Omit<RawEvent, 'seq'> = {
      id: newId('ftevent'),
      created_at: nowSeconds(),
      level: event.level ?? 'info',
      message: event.message,
      type: event.type ?? 'message',
      data: event.data ? JSON.stringify(event.data) : null,
    };
    const { lastInsertRowid } = this.db
      .prepare(
        'INSERT INTO job_events (id, job_id, created_at, level, type, message, data) VALUES (@id, @job_id, @created_at, @level, @type, @message, @data)',
      )
      .run({ ...raw, job_id: jobId });
    this.bus.emit(`job:${jobId}`, decode({ ...raw, seq: Number(lastInsertRowid) }));
  }

  /** OpenAI order: newest first; `after` is the id of the last event of the previous page. */
  listNewestFirst(
    jobId: string,
    options: { after?: string; limit: number },
  ): { data: JobEvent[]; hasMore: boolean } {
    const { page, hasMore } = fetchPage(options.limit, (limit) =>
      this.db
        .prepare<{ job: string; after: string | null; limit: number }, RawEvent>(
          `SELECT * FROM job_events WHERE job_id = @job
           AND (@after IS NULL OR seq < (SELECT seq FROM job_events WHERE id = @after))
         ORDER BY seq DESC LIMIT @limit`,
        )
        .all({ job: jobId, after: options.after ?? null, limit }),
    );
    return { data: page.map((raw) => publicEvent(decode(raw))), hasMore };
  }

  /** Oldest first, strictly after the event `afterId` (for streams that resume with Last-Event-ID). */
  listSince(jobId: string, afterId: string | null): Array<JobEvent & { seq: number }> {
    return this.db
      .prepare<{ job: string; after: string | null }, RawEvent>(
        `SELECT * FROM job_events WHERE job_id = @job
           AND (@after IS NULL OR seq > COALESCE((SELECT seq FROM job_events WHERE id = @after), 0))
         ORDER BY seq`,
      )
      .all({ job: jobId, after: afterId })
      .map(decode);
  }

  addCheckpoint(jobId: string, step: number, dir: string, metrics: Record<string, number>): void {
    this.db
      .prepare(
        'INSERT INTO job_checkpoints (id, job_id, created_at, step, metrics, dir) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(newId('ftckpt'), jobId, nowSeconds(), step, JSON.stringify(metrics), dir);
  }

  /** Newest first, as OpenAI lists them. */
  checkpoints(
    jobId: string,
    options: { after?: string; limit: number },
  ): { data: Checkpoint[]; hasMore: boolean } {
    const { page, hasMore } = fetchPage(options.limit, (limit) =>
      this.db
        .prepare<
          { job: string; after: string | null; limit: number },
          { id: string; created_at: number; step: number; metrics: string }
        >(
          `SELECT id, created_at, step, metrics FROM job_checkpoints WHERE job_id = @job
           AND (@after IS NULL OR rowid < (SELECT rowid FROM job_checkpoints WHERE id = @after))
         ORDER BY rowid DESC LIMIT @limit`,
        )
        .all({ job: jobId, after: options.after ?? null, limit }),
    );
    const data = page.map((row) => ({
      object: 'fine_tuning.job.checkpoint' as const,
      id: row.id,
      created_at: row.created_at,
      fine_tuned_model_checkpoint: `${jobId}:step-${row.step}`,
      fine_tuning_job_id: jobId,
      step_number: row.step,
      metrics: JSON.parse(row.metrics) as Record<string, number>,
    }));
    return { data, hasMore };
  }
}
