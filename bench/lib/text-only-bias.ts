import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A logit bias that keeps a model to ids that show text: EOS and the tokenizer's other special
 * tokens, and the ids past the tokenizer's vocabulary (the SmolLM2-shaped benchmark model's embedding
 * has SmolLM2's 49,152 rows, its tokenizer fewer), biased away. With it every new token paints
 * something and an answer runs to `max_tokens`. `modelDir` is the model's `resolve/<revision>` folder.
 */
export function textOnlyBias(modelDir: string): Record<string, number> {
  const read = <T>(file: string) => JSON.parse(readFileSync(join(modelDir, file), 'utf8')) as T;
  const { vocab_size: vocabSize } = read<{ vocab_size: number }>('config.json');
  const tokenizer = read<{ model: { vocab: Record<string, number> }; added_tokens?: Array<{ id: number }> }>(
    'tokenizer.json',
  );
  const textIds = new Set(Object.values(tokenizer.model.vocab));
  for (const { id } of tokenizer.added_tokens ?? []) textIds.delete(id);
  const bias: Record<string, number> = {};
  for (let id = 0; id < vocabSize; id++) if (!textIds.has(id)) bias[String(id)] = -100;
  return bias;
}
