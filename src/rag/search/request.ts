import { z } from 'zod';

export const searchRequestSchema = z.object({
  query: z.string().max(10_000).default(''),
  /** A query vector computed elsewhere (same model as the collections); skips embedding the query. */
  vector: z
    .custom<Float32Array>((value) => value instanceof Float32Array, 'expected a Float32Array')
    .optional(),
  collectionIds: z.array(z.string()).optional(),
  documentIds: z.array(z.string()).optional(),
  /** Documents with at least one of these tags. */
  tags: z.array(z.string()).optional(),
  dateFrom: z.number().optional(),
  dateTo: z.number().optional(),
  mode: z.enum(['dense', 'lexical', 'hybrid']).default('hybrid'),
  precision: z.enum(['int8', 'float']).default('int8'),
  k: z.number().int().min(1).max(1000).default(10),
  /** Maximal marginal relevance: 1 is pure relevance, lower values favour diverse results. */
  mmr: z.object({ lambda: z.number().min(0).max(1).default(0.5) }).optional(),
});

export type SearchRequest = z.input<typeof searchRequestSchema>;
export type ParsedSearchRequest = z.output<typeof searchRequestSchema>;

export interface SearchResult {
  documentId: string;
  collectionId: string;
  title: string;
  source: string;
  chunkSeq: number;
  text: string;
  /** Character offsets of the chunk in the document's text. */
  start: number;
  end: number;
  headingPath: string[];
  /** PDFs only: the pages (1-based) the chunk starts and ends on. */
  page?: number;
  pageEnd?: number;
  tags: string[];
  /** The fused score in hybrid mode, else the dense (cosine) or BM25 score. */
  score: number;
  denseRank: number | null;
  lexicalRank: number | null;
}
