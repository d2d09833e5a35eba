/**
 * The trainer's command-line contract: the arguments it takes and the JSON lines it prints on stdout.
 * Lines that are not one of these objects are kept as plain log events.
 */
import { z } from 'zod';
import type { Hyperparameters } from '../store/jobs.ts';

export const trainerLineSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('progress'),
    step: z.number().int(),
    total_steps: z.number().int(),
    epoch: z.number(),
    loss: z.number(),
    tokens_per_s: z.number(),
  }),
  z.object({ type: z.literal('checkpoint'), step: z.number().int(), dir: z.string() }),
  z.object({
    type: z.literal('done'),
    adapter_dir: z.string(),
    metrics: z.record(z.string(), z.unknown()).default({}),
  }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type TrainerLine = z.infer<typeof trainerLineSchema>;

export function parseTrainerLine(line: string): TrainerLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const parsed = trainerLineSchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function trainerArgs(options: {
  baseModelDir: string;
  trainFile: string;
  validationFile: string | null;
  outputDir: string;
  hyperparameters: Hyperparameters;
  learningRate: number;
  seed: number;
  device: 'cpu' | 'cuda' | 'auto';
}): string[] {
  const h = options.hyperparameters;
  const args = ['--base-model-dir', options.baseModelDir, '--train-file', options.trainFile];
  if (options.validationFile) args.push('--validation-file', options.validationFile);
  args.push(
    '--output-dir',
    options.outputDir,
    '--n-epochs',
    String(h.n_epochs),
    '--batch-size',
    String(h.batch_size),
    '--learning-rate',
    String(options.learningRate),
    '--lora-r',
    String(h.lora_r),
    '--lora-alpha',
    String(h.lora_alpha),
    '--lora-dropout',
    String(h.lora_dropout),
    '--target-modules',
    h.target_modules.join(','),
    '--seed',
    String(options.seed),
    '--device',
    options.device,
  );
  return args;
}
