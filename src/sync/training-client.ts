/**
 * Sending conversations for training with a browser's `training` key: upload a chat JSONL file, create a
 * fine-tuning job, follow its events as they happen (server-sent events, resumed after a dropped connection
 * with Last-Event-ID), cancel it. The key sees only the jobs it created.
 */
import { abortError, HearthError } from '../core/errors.ts';
import { syncError } from './errors.ts';
import { readEventStream } from './event-stream.ts';
import { uploadFeedback, type UploadedFeedback } from './feedback.ts';
import { serverRequest, type ServerEndpoint } from './server-request.ts';
import {
  progressOf,
  trainingEventSchema,
  trainingJobSchema,
  type TrainingJob,
  type TrainingUpdate,
} from './training-job.ts';

export interface TrainingClientOptions extends ServerEndpoint {
  /** Reconnections of one event stream before `followJob` gives up. Default 3. */
  reconnects?: number;
  reconnectDelayMs?: number;
}

export interface NewTrainingJob {
  /** The server's base model id (the loaded chat model's id). */
  model: string;
  trainingFile: string;
  /** The adapter's name; the server picks one when absent. */
  suffix?: string;
  nEpochs?: number;
}

const FORBIDDEN_HINT =
  'Sending conversations for training needs a training key (npm run server -- keys create --scope training).';

const jobNotFound = (id: string) => (status: number, said: string) =>
  status === 404
    ? syncError(
        'TRAINING_JOB_NOT_FOUND',
        `The server has no job ${id} for this key (404).${said} A training key sees only the jobs it created.`,
      )
    : undefined;

export class TrainingClient {
  constructor(private readonly options: TrainingClientOptions) {}

  /** Uploads dataset lines (from `conversationToDatasetLine`) as one `fine-tune` file. */
  upload(lines: readonly string[], signal?: AbortSignal): Promise<UploadedFeedback> {
    return uploadFeedback({ ...this.options, lines, signal });
  }

  async createJob(job: NewTrainingJob, signal?: AbortSignal): Promise<TrainingJob> {
    const body = {
      model: job.model,
      training_file: job.trainingFile,
      ...(job.suffix ? { suffix: job.suffix } : {}),
      ...(job.nEpochs
        ? { method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: job.nEpochs } } } }
        : {}),
    };
    const response = await serverRequest(this.options, '/v1/fine_tuning/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: signal ?? null,
      forbiddenHint: FORBIDDEN_HINT,
      onStatus: (status, said) =>
        status === 400 || status === 409
          ? syncError('TRAINING_JOB_REFUSED', `The server refused the training job (${status}).${said}`)
          : undefined,
    });
    return parseJob(await response.json());
  }

  async job(id: string, signal?: AbortSignal): Promise<TrainingJob> {
    const response = await serverRequest(this.options, `/v1/fine_tuning/jobs/${encodeURIComponent(id)}`, {
      signal: signal ?? null,
      forbiddenHint: FORBIDDEN_HINT,
      onStatus: jobNotFound(id),
    });
    return parseJob(await response.json());
  }

  /** Asks the server to stop the job; an already finished job is returned as it ended. */
  async cancel(id: string, signal?: AbortSignal): Promise<TrainingJob> {
    try {
      const response = await serverRequest(
        this.options,
        `/v1/fine_tuning/jobs/${encodeURIComponent(id)}/cancel`,
        { method: 'POST', signal: signal ?? null, forbiddenHint: FORBIDDEN_HINT, onStatus: jobNotFound(id) },
      );
      return parseJob(await response.json());
    } catch (error) {
      if ((error as { details?: { status?: number } }).details?.status === 409) return this.job(id, signal);
      throw error;
    }
  }

  /**
   * The job's events, oldest first, as the server sends them, ending with `{ type: 'end', job }` once the job
   * is final. A dropped connection is resumed where it stopped; abort with `signal`.
   */
  async *followJob(id: string, signal?: AbortSignal): AsyncGenerator<TrainingUpdate> {
    let lastEventId: string | undefined;
    let failures = 0;
    const reconnects = this.options.reconnects ?? 3;
    for (;;) {
      const response = await serverRequest(
        this.options,
        `/v1/fine_tuning/jobs/${encodeURIComponent(id)}/events?stream=true`,
        {
          headers: { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
          signal: signal ?? null,
          forbiddenHint: FORBIDDEN_HINT,
          onStatus: jobNotFound(id),
        },
      );
      try {
        for await (const message of readEventStream(response.body!)) {
          failures = 0;
          if (message.event === 'end') {
            yield { type: 'end', job: parseJob(JSON.parse(message.data)) };
            return;
          }
          if (message.event !== 'event') continue;
          const event = trainingEventSchema.parse(JSON.parse(message.data));
          lastEventId = message.id ?? lastEventId;
          const progress = progressOf(event);
          yield progress ? { type: 'event', event, progress } : { type: 'event', event };
        }
      } catch (error) {
        if (signal?.aborted) throw abortError(signal.reason);
        if (error instanceof HearthError) throw error;
        // A dropped connection: resume below.
      }
      if (signal?.aborted) throw abortError(signal.reason);
      if (++failures > reconnects)
        throw syncError(
          'TRAINING_STREAM_LOST',
          `The progress stream of job ${id} kept breaking; the job goes on on the server. Open it again later.`,
        );
      await new Promise((resolve) => setTimeout(resolve, this.options.reconnectDelayMs ?? 500));
    }
  }
}

function parseJob(body: unknown): TrainingJob {
  const parsed = trainingJobSchema.safeParse(body);
  if (!parsed.success)
    throw syncError(
      'ADAPTER_SERVER_ERROR',
      `The server sent a fine-tuning job in an unexpected shape (${parsed.error.issues[0]?.message}); update Hearth or the server.`,
    );
  return parsed.data;
}
