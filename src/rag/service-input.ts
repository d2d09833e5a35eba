import { z } from 'zod';
import { HearthError } from '../core/errors.ts';
import type { SupportedMimeType } from './types.ts';

const MIME_ALIASES: Record<string, SupportedMimeType> = {
  'text/plain': 'text/plain',
  'text/markdown': 'text/markdown',
  'text/x-markdown': 'text/markdown',
  'text/html': 'text/html',
  'application/xhtml+xml': 'text/html',
  'application/pdf': 'application/pdf',
};

export const documentInputSchema = z.object({
  collectionId: z.string().min(1),
  content: z.union([z.string(), z.instanceof(Blob)]),
  title: z.string().max(1000).default(''),
  source: z.string().max(4000).default(''),
  /** text/plain, text/markdown, text/html or application/pdf; guessed from a File's name or type when left out. */
  mimeType: z.string().optional(),
  tags: z.array(z.string().max(200)).max(100).default([]),
  /** ms since epoch, for date filters; defaults to the time of ingest. */
  date: z.number().nullable().default(null),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});

export type DocumentInput = z.input<typeof documentInputSchema>;

export function resolveMimeType(
  declared: string | undefined,
  content: string | Blob,
  title: string,
): SupportedMimeType {
  const name = (typeof File !== 'undefined' && content instanceof File ? content.name : title).toLowerCase();
  const type = (declared ?? (content instanceof Blob ? content.type : '') ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type && MIME_ALIASES[type]) return MIME_ALIASES[type];
  if (!type || type === 'application/octet-stream') {
    if (/\.(md|markdown)$/.test(name)) return 'text/markdown';
    if (/\.html?$/.test(name)) return 'text/html';
    if (/\.pdf$/.test(name)) return 'application/pdf';
    if (/\.(txt|text)$/.test(name) || !type) return 'text/plain';
  }
  throw new HearthError(
    'RAG_UNSUPPORTED_TYPE',
    `Documents of type "${type || name}" cannot be added. Add plain text, Markdown, HTML or PDF.`,
  );
}

export function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HearthError(
      'INVALID_INPUT',
      `Invalid ${what}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
