import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';
import type { EmbedKind } from './contract.ts';

const textsSchema = z.array(z.string({ error: 'every text must be a string' }));
const kindSchema = z.enum(['query', 'passage']).default('passage');

export function parseKind(kind: unknown): EmbedKind {
  const parsed = kindSchema.safeParse(kind);
  if (!parsed.success)
    throw new HearthError('INVALID_INPUT', `kind must be 'query' or 'passage', not ${String(kind)}.`);
  return parsed.data;
}

/**
 * Texts must be an array of strings. For embedding (allowEmpty false) the list must not be empty and no
 * text may be blank: an embedding of nothing is a vector close to every other, which poisons search.
 */
export function parseTexts(texts: unknown, options: { allowEmpty: boolean }): string[] {
  const parsed = textsSchema.safeParse(texts);
  if (!parsed.success)
    throw new HearthError(
      'INVALID_INPUT',
      `Pass an array of strings to embed (${parsed.error.issues[0]?.message}).`,
    );
  const list = parsed.data;
  if (options.allowEmpty) return list;
  if (list.length === 0)
    throw new HearthError(
      'INVALID_INPUT',
      'Nothing to embed: the list of texts is empty. Pass at least one text.',
    );
  const blank = list.flatMap((text, index) => (text.trim() === '' ? [index] : []));
  if (blank.length > 0)
    throw new HearthError(
      'INVALID_INPUT',
      `Text${blank.length > 1 ? 's' : ''} at index ${blank.slice(0, 10).join(', ')}${blank.length > 10 ? ' …' : ''} ${
        blank.length > 1 ? 'are' : 'is'
      } empty or only whitespace: an embedding of nothing matches everything alike. Remove empty texts first.`,
      { details: { emptyIndices: blank } },
    );
  return list;
}
