/** `?after=<id>&limit=<n>` as the OpenAI list endpoints take them. */
import { z } from 'zod';
import { invalid } from './errors.ts';

const pageSchema = z.object({
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export function parsePage(query: unknown): { after?: string; limit: number } {
  const parsed = pageSchema.safeParse(query ?? {});
  if (!parsed.success) throw invalid(`Invalid pagination: ${parsed.error.issues[0]?.message}`, 'limit');
  return parsed.data;
}

export const listBody = <T>(data: T[], hasMore: boolean) => ({
  object: 'list' as const,
  data,
  has_more: hasMore,
});
