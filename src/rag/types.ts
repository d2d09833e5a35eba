import type { HearthErrorCode } from '../core/errors.ts';

/** The embedding model a collection's vectors came from; vectors of two models never mix. */
export interface EmbeddingModelRef {
  modelId: string;
  revision: string;
  dimensions: number;
}

export interface CollectionRecord {
  id: string;
  name: string;
  model: EmbeddingModelRef;
  createdAt: number;
}

export type SupportedMimeType = 'text/plain' | 'text/markdown' | 'text/html' | 'application/pdf';

/**
 * A document is visible to search only through its committed `revision`. Ingest writes the rows of
 * `stagingRevision` first and commits by moving `revision` to it in one transaction, so a crash
 * in between leaves only staged rows that readers ignore and the queue cleans up.
 */
export interface DocumentRecord {
  id: string;
  collectionId: string;
  title: string;
  source: string;
  mimeType: SupportedMimeType;
  contentHash: string;
  byteLength: number;
  tags: string[];
  /** The date filters compare against (ms since epoch): given by the caller, else the ingest time. */
  date: number;
  metadata: Record<string, string | number | boolean>;
  createdAt: number;
  updatedAt: number;
  /** 'staging' until the first revision is committed; then 'ready'. */
  status: 'staging' | 'ready';
  /** The committed revision (0 while none is). */
  revision: number;
  stagingRevision: number | null;
  chunkCount: number;
  /** The model of this document's committed vectors (differs from the collection's during re-embedding). */
  model: EmbeddingModelRef;
  /**
   * PDFs only: where each page starts in the extracted text (pageStarts[0] is page 1), so a viewer
   * can turn a chunk's offsets into offsets on its page. Absent for other documents and for
   * documents stored before PDFs were read.
   */
  pageStarts?: number[];
}

export interface ChunkRecord {
  documentId: string;
  revision: number;
  seq: number;
  text: string;
  /** Character offsets into the document's text (for HTML and PDF: into the text Hearth extracted from it). */
  start: number;
  end: number;
  headingPath: string[];
  tokenCount: number;
  /** PDFs only: the pages (1-based) of the chunk's first and last character; absent for other documents. */
  page?: number;
  pageEnd?: number;
}

/** The vectors of up to BLOCK_SIZE consecutive chunks of one document, packed in one buffer. */
export interface VectorBlockRecord {
  documentId: string;
  revision: number;
  block: number;
  collectionId: string;
  firstSeq: number;
  count: number;
  dimensions: number;
  /** Float32 [count, dimensions], row-major. */
  vectors: ArrayBuffer;
  /** The same vectors as int8 [count, dimensions] and one float32 scale per row (dense/quantize.ts). */
  quantized?: ArrayBuffer;
  scales?: ArrayBuffer;
}

/** BM25 postings of the same chunks as the vector block with the same key. */
export interface PostingBlockRecord {
  documentId: string;
  revision: number;
  block: number;
  collectionId: string;
  firstSeq: number;
  /** Token count of each chunk, in BM25 tokens. */
  lengths: Uint32Array;
  /**
   * The block's distinct terms in code-unit order, each followed by U+0000 (terms never contain
   * it), in one string: a block reads back as a few values, not thousands of small strings.
   */
  terms: string;
  /** Term i is terms.slice(termOffsets[i], termOffsets[i + 1] - 1). */
  termOffsets: Uint32Array;
  /** For term i, its postings are entries [termStart[i], termStart[i + 1]). */
  termStart: Uint32Array;
  /** Chunk offset inside the block (seq - firstSeq) of each posting. */
  chunkOffsets: Uint16Array;
  frequencies: Uint16Array;
}

export interface IngestJobInput {
  collectionId: string;
  content: Blob;
  title: string;
  source: string;
  mimeType: SupportedMimeType;
  tags: string[];
  date: number | null;
  metadata: Record<string, string | number | boolean>;
}

export type IngestJobState = 'queued' | 'running' | 'failed';

export interface IngestJobRecord {
  id?: number;
  kind: 'ingest' | 'reembed';
  collectionId: string;
  /** For ingest: the document being written (new, or the one being updated). */
  documentId: string | null;
  input: IngestJobInput | null;
  state: IngestJobState;
  attempts: number;
  error: { code: HearthErrorCode; message: string } | null;
  createdAt: number;
}

export interface IngestResult {
  documentId: string;
  /** True when the same content was already in the collection and nothing new was stored. */
  deduplicated: boolean;
  chunkCount: number;
}

export interface ChangeEvent {
  type: 'documents' | 'collections';
  collectionId: string;
  documentIds: string[];
}
