/** The fine-tuning job as the browser sees it, and what its event stream carries: one discriminated union. */
import { z } from 'zod';

export const TRAINING_FINAL_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

export const trainingJobSchema = z.looseObject({
  id: z.string().min(1),
  status: z.enum(['validating_files', 'queued', 'running', 'succeeded', 'failed', 'cancelled']),
  model: z.string(),
  training_file: z.string(),
  /** `name@version` of the adapter the job published, once it succeeded. */
  fine_tuned_model: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).loose().nullable(),
  created_at: z.number(),
  finished_at: z.number().nullable(),
});
export type TrainingJob = z.infer<typeof trainingJobSchema>;

export const trainingEventSchema = z.looseObject({
  id: z.string(),
  created_at: z.number(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  type: z.enum(['message', 'metrics']),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type TrainingEvent = z.infer<typeof trainingEventSchema>;

/** `step` of `totalSteps`, from a `metrics` event. */
export interface TrainingProgress {
  step: number;
  totalSteps: number;
  trainLoss: number | undefined;
}

export type TrainingUpdate =
  | { type: 'event'; event: TrainingEvent; progress?: TrainingProgress }
  /** The stream's last item: the job in its final state. */
  | { type: 'end'; job: TrainingJob };

export function progressOf(event: TrainingEvent): TrainingProgress | undefined {
  if (event.type !== 'metrics' || !event.data) return undefined;
  const { step, total_steps, train_loss } = event.data;
  if (typeof step !== 'number' || typeof total_steps !== 'number' || total_steps <= 0) return undefined;
  return {
    step,
    totalSteps: total_steps,
    trainLoss: typeof train_loss === 'number' ? train_loss : undefined,
  };
}
