import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';

/**
 * The facts about an embedding model that are not in its graph: how to pool, which prefixes its training
 * used for queries and passages, its token limit and width. The model catalog carries the same facts.
 */
export const embedModelSpecSchema = z.object({
  pooling: z.enum(['mean', 'cls']),
  /** Prepended to texts embedded with `kind: 'query'` (e.g. "query: " for E5, an instruction for BGE). */
  queryPrefix: z.string(),
  passagePrefix: z.string(),
  /** Token limit, special tokens included; longer texts are truncated to it. */
  maxTokens: z.number().int().min(2),
  dimensions: z.number().int().positive(),
  /** L2-normalise the pooled vector (true for every model Hearth ships). */
  normalize: z.boolean().default(true),
});
export type EmbedModelSpec = z.input<typeof embedModelSpecSchema>;
export type ResolvedEmbedModelSpec = z.output<typeof embedModelSpecSchema>;

/** The parts of config.json and tokenizer_config.json that fill in a spec's missing facts. */
export interface ModelConfigFacts {
  hiddenSize?: number;
  maxPositionEmbeddings?: number;
  modelMaxLength?: number;
}

export function configFacts(config: unknown, tokenizerConfig: unknown): ModelConfigFacts {
  const number = (value: unknown) =>
    typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  const c = (config ?? {}) as Record<string, unknown>;
  const t = (tokenizerConfig ?? {}) as Record<string, unknown>;
  // Tokenizer configs without a limit say so with a huge sentinel (1e30); ignore it.
  const modelMaxLength = number(t.model_max_length);
  return {
    hiddenSize: number(c.hidden_size) ?? number(c.dim) ?? number(c.d_model),
    maxPositionEmbeddings: number(c.max_position_embeddings),
    modelMaxLength: modelMaxLength !== undefined && modelMaxLength < 1e9 ? modelMaxLength : undefined,
  };
}

/**
 * Completes a partial spec from the model's own config: dimensions from `hidden_size`, the token limit
 * from `model_max_length` / `max_position_embeddings`, mean pooling and no prefixes by default.
 * A limit beyond what the position embeddings allow is refused, since such a run would fail or be wrong.
 */
export function resolveSpec(
  given: Partial<EmbedModelSpec> | undefined,
  facts: ModelConfigFacts,
  modelLabel: string,
): ResolvedEmbedModelSpec {
  const limits = [facts.modelMaxLength, facts.maxPositionEmbeddings].filter(
    (v): v is number => v !== undefined,
  );
  const candidate = {
    pooling: 'mean' as const,
    queryPrefix: '',
    passagePrefix: '',
    maxTokens: limits.length > 0 ? Math.min(...limits) : undefined,
    dimensions: facts.hiddenSize,
    ...given,
  };
  const parsed = embedModelSpecSchema.safeParse(candidate);
  if (!parsed.success)
    throw new HearthError(
      'INVALID_INPUT',
      `The embedding spec for ${modelLabel} is incomplete or wrong (${parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}). Give pooling, maxTokens and dimensions, or a config.json that has them.`,
    );
  const spec = parsed.data;
  if (facts.maxPositionEmbeddings !== undefined && spec.maxTokens > facts.maxPositionEmbeddings)
    throw new HearthError(
      'INVALID_INPUT',
      `maxTokens ${spec.maxTokens} exceeds ${modelLabel}'s ${facts.maxPositionEmbeddings} positions. Lower maxTokens.`,
    );
  return spec;
}
