import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HearthError, throwIfAborted } from '../../core/errors.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import { BLOCK_SIZE, commitRevision, discardRevision, storageWrite, writeBlock } from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import type { CollectionRecord, DocumentRecord, IngestResult } from '../types.ts';

export interface PreparedChunk {
  text: string;
  start: number;
  end: number;
  headingPath?: string[];
  tokenCount?: number;
}

export interface PreparedDocument {
  collectionId: string;
  title: string;
  source?: string;
  tags?: string[];
  date?: number;
  chunks: PreparedChunk[];
  /** [chunks, dimensions] from the collection's model, row-major. */
  vectors: Float32Array;
}

/**
 * Stores a document that was chunked and embedded elsewhere (a sync, a migration, a benchmark),
 * with the same staging and commit as an ingest: it is searchable whole or not at all. The caller
 * vouches that the vectors come from the collection's model.
 */
export async function storePrepared(
  db: RagDatabase,
  collection: CollectionRecord,
  input: PreparedDocument,
  options: LongOperationOptions = {},
): Promise<IngestResult> {
  const dim = collection.model.dimensions;
  if (input.chunks.length === 0)
    throw new HearthError('RAG_EMPTY_DOCUMENT', 'This document has no chunks to store.');
  if (input.vectors.length !== input.chunks.length * dim) {
    throw new HearthError(
      'INVALID_INPUT',
      `Expected ${input.chunks.length} vectors of ${dim} dimensions (${input.chunks.length * dim} numbers), got ${input.vectors.length} numbers.`,
    );
  }
  const hash = sha256.create();
  const encoder = new TextEncoder();
  for (const chunk of input.chunks)
    hash.update(encoder.encode(`${chunk.start}:${chunk.end}:${chunk.text}\u0000`));
  const contentHash = bytesToHex(hash.digest());
  const duplicate = (await db.getAllFromIndex('documents', 'byHash', [collection.id, contentHash])).find(
    (d) => d.status === 'ready',
  );
  if (duplicate) return { documentId: duplicate.id, deduplicated: true, chunkCount: duplicate.chunkCount };

  const now = Date.now();
  const document: DocumentRecord = {
    id: crypto.randomUUID(),
    collectionId: collection.id,
    title: input.title,
    source: input.source ?? '',
    mimeType: 'text/plain',
    contentHash,
    byteLength: input.chunks.reduce((sum, chunk) => sum + chunk.text.length, 0),
    tags: input.tags ?? [],
    date: input.date ?? now,
    metadata: {},
    createdAt: now,
    updatedAt: now,
    status: 'staging',
    revision: 0,
    stagingRevision: 1,
    chunkCount: 0,
    model: collection.model,
  };
  await storageWrite(() => db.put('documents', document));
  try {
    for (let first = 0, block = 0; first < input.chunks.length; first += BLOCK_SIZE, block++) {
      throwIfAborted(options.signal);
      const chunks = input.chunks.slice(first, first + BLOCK_SIZE).map((chunk, i) => ({
        seq: first + i,
        text: chunk.text,
        start: chunk.start,
        end: chunk.end,
        headingPath: chunk.headingPath ?? [],
        tokenCount: chunk.tokenCount ?? 0,
      }));
      await writeBlock(
        db,
        document,
        1,
        block,
        chunks,
        input.vectors.subarray(first * dim, (first + chunks.length) * dim),
        dim,
      );
      options.onProgress?.({ phase: 'storing', loaded: first + chunks.length, total: input.chunks.length });
    }
    await commitRevision(db, document.id, 1, { chunkCount: input.chunks.length });
  } catch (error) {
    await discardRevision(db, document.id, 1).catch(() => undefined);
    throw error;
  }
  return { documentId: document.id, deduplicated: false, chunkCount: input.chunks.length };
}

/**
 * Another tab may be storing right now, so only staging older than this is taken as abandoned.
 * (Queued jobs clean up after themselves when they resume; this catches direct stores and imports.)
 */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** Staged rows that no queued job will finish (their page died while storing): removes them. */
export async function sweepOrphanedStaging(db: RagDatabase, now = Date.now()): Promise<number> {
  const jobs = await db.getAll('ingestJobs');
  const owned = new Set(jobs.map((job) => job.documentId));
  const documents = await db.getAll('documents');
  let swept = 0;
  for (const document of documents) {
    if (
      document.stagingRevision !== null &&
      !owned.has(document.id) &&
      now - document.updatedAt > ABANDONED_AFTER_MS
    ) {
      await discardRevision(db, document.id, document.stagingRevision);
      swept++;
    }
  }
  return swept;
}
