import { z } from 'zod';

/** How an answer is sampled: per conversation in the app, per element in <hearth-chat>. */
export const samplingSchema = z.object({
  temperature: z.number().min(0).max(2),
  top_p: z.number().gt(0).max(1),
  max_tokens: z.number().int().min(1).max(32_768),
  seed: z.number().int().optional(),
});

export type Sampling = z.infer<typeof samplingSchema>;

export const defaultSampling: Sampling = { temperature: 0.7, top_p: 0.95, max_tokens: 256 };
