import { z } from 'zod';

/**
 * A collection export is one NDJSON file: a header line, then per document a `document` line
 * followed by its `block` lines (chunks with their vectors, base64 float32). BM25 postings are not
 * exported; import rebuilds them from the chunk text.
 */
export const EXPORT_FORMAT = 'hearth-rag-collection';
export const EXPORT_VERSION = 1;

const model = z.object({
  modelId: z.string(),
  revision: z.string(),
  dimensions: z.number().int().positive(),
});

export const headerLine = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  collection: z.object({ name: z.string(), model, createdAt: z.number() }),
});

export const documentLine = z.object({
  type: z.literal('document'),
  document: z.object({
    id: z.string(),
    title: z.string(),
    source: z.string(),
    mimeType: z.enum(['text/plain', 'text/markdown', 'text/html', 'application/pdf']),
    contentHash: z.string(),
    byteLength: z.number(),
    tags: z.array(z.string()),
    date: z.number(),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    createdAt: z.number(),
    chunkCount: z.number().int(),
    // Optional, so exports written before PDFs were read still import.
    pageStarts: z.array(z.number().int().nonnegative()).optional(),
  }),
});

export type DocumentLine = z.infer<typeof documentLine>;

export const blockLine = z.object({
  type: z.literal('block'),
  documentId: z.string(),
  block: z.number().int(),
  vectors: z.string(),
  chunks: z.array(
    z.object({
      seq: z.number().int(),
      text: z.string(),
      start: z.number(),
      end: z.number(),
      headingPath: z.array(z.string()),
      tokenCount: z.number(),
      page: z.number().int().positive().optional(),
      pageEnd: z.number().int().positive().optional(),
    }),
  ),
});

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
