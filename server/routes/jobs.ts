/** `/v1/fine_tuning/jobs`: create, list, retrieve, cancel, events (JSON or server-sent events), checkpoints. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ADAPTER_NAME_PATTERN } from '../../src/core/adapter-manifest.ts';
import { isHearthError } from '../../src/core/errors.ts';
import { HttpError, invalid, notFound } from '../http/errors.ts';
import { listBody, parsePage } from '../http/pagination.ts';
import { newId } from '../store/ids.ts';
import type { Hyperparameters } from '../store/jobs.ts';
import { FINAL_STATUSES, jobObject } from '../store/jobs.ts';
import type { Services } from '../services.ts';
import { ownRowsOnly } from '../auth/ownership.ts';
import { streamJobEvents } from './job-events-stream.ts';

const auto = <T extends z.ZodType>(schema: T) => z.union([z.literal('auto'), schema]).optional();

const hyperparametersSchema = z
  .object({
    n_epochs: auto(z.number().int().min(1).max(50)),
    batch_size: auto(z.number().int().min(1).max(256)),
    learning_rate_multiplier: auto(z.number().positive().max(10)),
    lora_r: z.number().int().min(1).max(256).optional(),
    lora_alpha: z.number().positive().max(1024).optional(),
    lora_dropout: z.number().min(0).max(0.9).optional(),
    target_modules: z
      .array(z.string().regex(/^[A-Za-z0-9_.]{1,64}$/))
      .min(1)
      .max(32)
      .optional(),
  })
  .strict();

const createJobSchema = z.object({
  model: z.string().min(1),
  training_file: z.string().min(1),
  validation_file: z.string().min(1).nullish(),
  suffix: z
    .string()
    .regex(ADAPTER_NAME_PATTERN, 'use 1-64 lower-case letters, digits, ".", "_" or "-"')
    .nullish(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .nullish(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullish(),
  hyperparameters: hyperparametersSchema.nullish(),
  method: z
    .object({
      type: z.string(),
      supervised: z.object({ hyperparameters: hyperparametersSchema.optional() }).optional(),
    })
    .nullish(),
  integrations: z.unknown().optional(),
});

const DEFAULTS: Hyperparameters = {
  n_epochs: 3,
  batch_size: 4,
  learning_rate_multiplier: 1,
  lora_r: 8,
  lora_alpha: 16,
  lora_dropout: 0,
  target_modules: ['q_proj', 'v_proj'],
};

function resolveHyperparameters(
  given: z.infer<typeof hyperparametersSchema> | null | undefined,
): Hyperparameters {
  const pick = <K extends keyof Hyperparameters>(key: K): Hyperparameters[K] => {
    const value = given?.[key];
    return (value === undefined || value === 'auto' ? DEFAULTS[key] : value) as Hyperparameters[K];
  };
  return {
    n_epochs: pick('n_epochs'),
    batch_size: pick('batch_size'),
    learning_rate_multiplier: pick('learning_rate_multiplier'),
    lora_r: pick('lora_r'),
    lora_alpha: pick('lora_alpha'),
    lora_dropout: pick('lora_dropout'),
    target_modules: pick('target_modules'),
  };
}

/** Jobs are the one thing a browser's `training` key may drive; it sees only the jobs (and files) it made. */
const training = { config: { scope: 'training' as const } };

export function registerJobRoutes(app: FastifyInstance, s: Services): void {
  const visibleJob = (request: FastifyRequest<{ Params: { id: string } }>) => {
    const { project } = request.principal;
    const job = s.jobs.get(request.params.id, project, ownRowsOnly(request.principal));
    if (!job) throw notFound('fine_tuning_job', request.params.id);
    return job;
  };

  app.post('/v1/fine_tuning/jobs', training, async (request) => {
    const parsed = createJobSchema.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalid(
        `Invalid job: ${issue.path.join('.') || 'body'}: ${issue.message}.`,
        issue.path.join('.') || undefined,
      );
    }
    const body = parsed.data;
    const project = request.principal.project;
    if (body.method && body.method.type !== 'supervised')
      throw invalid(`Only the "supervised" method is supported (got "${body.method.type}").`, 'method.type');
    if (!s.catalog.get(body.model))
      throw invalid(
        `The model '${body.model}' cannot be fine-tuned here; GET /v1/models lists those that can.`,
        'model',
      );
    for (const [param, id] of [
      ['training_file', body.training_file],
      ['validation_file', body.validation_file],
    ] as const) {
      if (!id) continue;
      const file = s.files.get(project, id, ownRowsOnly(request.principal));
      if (!file) throw invalid(`No file with id '${id}' exists in this project; upload it first.`, param);
      if (file.purpose !== 'fine-tune')
        throw invalid(`The file '${id}' was not uploaded with purpose "fine-tune".`, param);
    }
    const id = newId('ftjob');
    const adapterName = body.suffix ?? `ft-${id.slice(6).toLowerCase()}`;
    const owner = s.adapters.ownerOf(adapterName);
    if (owner !== null && owner !== project)
      throw new HttpError(
        409,
        'adapter_name_taken',
        `The adapter name '${adapterName}' belongs to another project; choose another suffix.`,
        {
          param: 'suffix',
        },
      );
    const row = s.jobs.insert({
      id,
      project,
      model: body.model,
      training_file: body.training_file,
      validation_file: body.validation_file ?? null,
      suffix: body.suffix ?? null,
      adapter_name: adapterName,
      seed: body.seed ?? Math.floor(Math.random() * 2 ** 31),
      metadata: body.metadata ?? null,
      hyperparameters: resolveHyperparameters(
        body.method?.supervised?.hyperparameters ?? body.hyperparameters,
      ),
      executor: s.executor.kind,
      created_by: request.principal.keyId,
    });
    s.events.add(id, { message: `Created fine-tuning job: ${id}` });
    s.runner.poke();
    return jobObject(row);
  });

  app.get('/v1/fine_tuning/jobs', training, async (request) => {
    const { rows, hasMore } = s.jobs.list(request.principal.project, {
      ...parsePage(request.query),
      createdBy: ownRowsOnly(request.principal),
    });
    return listBody(rows.map(jobObject), hasMore);
  });

  app.get<{ Params: { id: string } }>('/v1/fine_tuning/jobs/:id', training, async (request) => {
    return jobObject(visibleJob(request));
  });

  app.post<{ Params: { id: string } }>('/v1/fine_tuning/jobs/:id/cancel', training, async (request) => {
    const job = visibleJob(request);
    if (FINAL_STATUSES.has(job.status))
      throw new HttpError(
        409,
        'job_not_cancellable',
        `The job already ended (${job.status}); nothing to cancel.`,
      );
    try {
      await s.runner.cancel(job.id);
    } catch (error) {
      if (isHearthError(error, 'job_on_other_executor'))
        throw new HttpError(409, 'job_on_other_executor', error.message);
      throw error;
    }
    return jobObject(s.jobs.require(job.id));
  });

  app.get<{ Params: { id: string }; Querystring: { stream?: string } }>(
    '/v1/fine_tuning/jobs/:id/events',
    training,
    async (request, reply) => {
      const job = visibleJob(request);
      const wantsStream =
        request.query.stream === 'true' || (request.headers.accept ?? '').includes('text/event-stream');
      if (wantsStream) return streamJobEvents(request, reply, s, job.id);
      // parsePage keeps only `after` and `limit`.
      const { data, hasMore } = s.events.listNewestFirst(job.id, parsePage(request.query));
      return listBody(data, hasMore);
    },
  );

  app.get<{ Params: { id: string } }>('/v1/fine_tuning/jobs/:id/checkpoints', training, async (request) => {
    const job = visibleJob(request);
    const { data, hasMore } = s.events.checkpoints(job.id, parsePage(request.query));
    return listBody(data, hasMore);
  });
}
