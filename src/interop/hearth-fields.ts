import { z } from 'zod';
import { HearthError } from '../core/errors.ts';

/**
 * Hearth's own request fields, for what the other libraries' settings have no name for: an
 * agents-core agent's `modelSettings.providerData`, an AI SDK call's `providerOptions.hearth`, or
 * either model's constructor options.
 */
export const hearthFields = z
  .object({
    /** LoRA adapter `name@version`, loaded on the engine; none means the base model. */
    adapter: z.string().min(1),
    seed: z.number().int(),
    top_k: z.number().int().min(0),
    repetition_penalty: z.number().positive(),
    stop: z.union([z.string(), z.array(z.string())]),
    /** Token id (as a string) -> bias added to its logit. */
    logit_bias: z.record(z.string(), z.number()),
  })
  .partial()
  .strict();

export type HearthFields = z.infer<typeof hearthFields>;

/** Reads Hearth's fields; an unknown key is refused by name rather than silently dropped. */
export function parseHearthFields(value: unknown, where: string): HearthFields {
  const result = hearthFields.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '');
  throw new HearthError(
    'INVALID_INPUT',
    `${where}: ${field ? `${field}: ` : ''}${issue.message}. Hearth reads ${Object.keys(hearthFields.shape).join(', ')}.`,
  );
}
