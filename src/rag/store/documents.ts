import { fromStorageError, notFound } from '../errors.ts';
import { buildPostingBlock } from '../lexical/postings.ts';
import { quantizeRows } from '../dense/quantize.ts';
import type { ChunkRecord, DocumentRecord, EmbeddingModelRef, VectorBlockRecord } from '../types.ts';
import type { IDBPTransaction, StoreNames } from 'idb';
import type { RagDatabase, RagSchema } from './schema.ts';

/**
 * Chunks per vector/postings block (and so per staged write). Measured in Chromium: 1,024 stores
 * ~1.5x faster than 256 and loads as fast; 32 (values small enough to stay inline) is slower at both.
 */
export const BLOCK_SIZE = 1024;

const MAX_SEQ = Number.MAX_SAFE_INTEGER;
export const revisionRange = (documentId: string, revision: number) =>
  IDBKeyRange.bound([documentId, revision, 0], [documentId, revision, MAX_SEQ]);
const documentRange = (documentId: string) =>
  IDBKeyRange.bound([documentId, 0, 0], [documentId, MAX_SEQ, MAX_SEQ]);

export function sameModel(a: EmbeddingModelRef, b: EmbeddingModelRef): boolean {
  return a.modelId === b.modelId && a.revision === b.revision && a.dimensions === b.dimensions;
}

/** Runs a write and turns a full disk into RAG_QUOTA_EXCEEDED. */
export async function storageWrite<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw fromStorageError(error);
  }
}

/**
 * Marks a request's own rejection as handled: when a transaction fails, every request in it
 * rejects too, and `tx.done` already reports the failure once.
 */
export function quiet(request: Promise<unknown>): void {
  request.catch(() => undefined);
}

/**
 * Queues a transaction's requests and waits for it to commit. A request that throws at once (the
 * store refusing a value) aborts the whole transaction, so nothing of it is written.
 */
export async function inTransaction(
  tx: { abort(): void; done: Promise<void> },
  requests: () => void,
): Promise<void> {
  try {
    requests();
  } catch (error) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw error;
  }
  await tx.done;
}

/** A block's vectors as stored: float32, plus their int8 form so loading never re-quantises. */
export function packVectors(
  vectors: Float32Array,
  count: number,
  dimensions: number,
): Pick<VectorBlockRecord, 'vectors' | 'quantized' | 'scales'> {
  const floats = vectors.slice(0, count * dimensions);
  const { values, scales } = quantizeRows(floats, count, dimensions);
  return {
    vectors: floats.buffer as ArrayBuffer,
    quantized: values.buffer as ArrayBuffer,
    scales: scales.buffer as ArrayBuffer,
  };
}

/**
 * Writes one block of a revision: its chunks, their vectors packed in one buffer and their BM25
 * postings, in one transaction. Readers ignore these rows until the revision is committed.
 */
export async function writeBlock(
  db: RagDatabase,
  document: Pick<DocumentRecord, 'id' | 'collectionId'>,
  revision: number,
  block: number,
  chunks: Omit<ChunkRecord, 'documentId' | 'revision'>[],
  vectors: Float32Array,
  dimensions: number,
): Promise<void> {
  const postings = buildPostingBlock(chunks.map((chunk) => chunk.text));
  const key = {
    documentId: document.id,
    revision,
    block,
    collectionId: document.collectionId,
    firstSeq: chunks[0]!.seq,
  };
  await storageWrite(async () => {
    // Staged rows need not reach the disk on their own: the commit below is 'strict', and flushing
    // it flushes everything written before it.
    const tx = db.transaction(['chunks', 'vectorBlocks', 'postingBlocks'], 'readwrite', {
      durability: 'relaxed',
    });
    await inTransaction(tx, () => {
      for (const chunk of chunks)
        quiet(tx.objectStore('chunks').put({ ...chunk, documentId: document.id, revision }));
      quiet(
        tx.objectStore('vectorBlocks').put({
          ...key,
          count: chunks.length,
          dimensions,
          ...packVectors(vectors, chunks.length, dimensions),
        }),
      );
      quiet(tx.objectStore('postingBlocks').put({ ...key, ...postings }));
    });
  });
}

/** Deletes the rows of one revision of a document (a staged one that will not be committed). */
export async function discardRevision(db: RagDatabase, documentId: string, revision: number): Promise<void> {
  const tx = db.transaction(['documents', 'chunks', 'vectorBlocks', 'postingBlocks'], 'readwrite');
  const range = revisionRange(documentId, revision);
  quiet(tx.objectStore('chunks').delete(range));
  quiet(tx.objectStore('vectorBlocks').delete(range));
  quiet(tx.objectStore('postingBlocks').delete(range));
  const document = await tx.objectStore('documents').get(documentId);
  if (document?.status === 'staging') quiet(tx.objectStore('documents').delete(documentId));
  else if (document && document.stagingRevision === revision) {
    quiet(tx.objectStore('documents').put({ ...document, stagingRevision: null }));
  }
  await tx.done;
}

/** Queues the deletes of a document and all its rows in `tx`, which may span `Other` stores too (the caller awaits `tx.done`). */
function deleteDocumentIn<Other extends StoreNames<RagSchema>>(
  tx: IDBPTransaction<
    RagSchema,
    Array<Other | 'documents' | 'chunks' | 'vectorBlocks' | 'postingBlocks'>,
    'readwrite'
  >,
  documentId: string,
): void {
  const range = documentRange(documentId);
  quiet(tx.objectStore('chunks').delete(range));
  quiet(tx.objectStore('vectorBlocks').delete(range));
  quiet(tx.objectStore('postingBlocks').delete(range));
  quiet(tx.objectStore('documents').delete(documentId));
}

/** Deletes a document and all its rows in one transaction. */
export async function deleteDocumentRows(
  db: RagDatabase,
  documentId: string,
): Promise<DocumentRecord | undefined> {
  const tx = db.transaction(['documents', 'chunks', 'vectorBlocks', 'postingBlocks'], 'readwrite');
  const document = await tx.objectStore('documents').get(documentId);
  deleteDocumentIn(tx, documentId);
  await tx.done;
  return document;
}

/** Deletes a collection with all its documents and rows in one transaction; returns the document ids. */
export async function deleteCollectionRows(db: RagDatabase, collectionId: string): Promise<string[]> {
  const tx = db.transaction(
    ['collections', 'documents', 'chunks', 'vectorBlocks', 'postingBlocks'],
    'readwrite',
  );
  const documents = await tx.objectStore('documents').index('byCollection').getAllKeys(collectionId);
  for (const documentId of documents) deleteDocumentIn(tx, documentId);
  quiet(tx.objectStore('collections').delete(collectionId));
  await tx.done;
  return documents;
}

/** The ready documents of a collection. */
export async function readyDocuments(db: RagDatabase, collectionId: string): Promise<DocumentRecord[]> {
  const all = await db.getAllFromIndex('documents', 'byCollection', collectionId);
  return all.filter((document) => document.status === 'ready');
}

/** Makes `revision` the visible one and drops the rows of the one it replaces, atomically. */
export async function commitRevision(
  db: RagDatabase,
  documentId: string,
  revision: number,
  fields: Partial<DocumentRecord>,
): Promise<void> {
  await storageWrite(async () => {
    const tx = db.transaction(['documents', 'chunks', 'vectorBlocks', 'postingBlocks'], 'readwrite', {
      durability: 'strict',
    });
    const document = await tx.objectStore('documents').get(documentId);
    if (!document || document.stagingRevision !== revision) {
      tx.abort();
      throw notFound('document', documentId);
    }
    if (document.revision > 0) {
      const old = IDBKeyRange.bound(
        [documentId, document.revision, 0],
        [documentId, document.revision, Infinity],
      );
      quiet(tx.objectStore('chunks').delete(old));
      quiet(tx.objectStore('vectorBlocks').delete(old));
      quiet(tx.objectStore('postingBlocks').delete(old));
    }
    quiet(
      tx.objectStore('documents').put({
        ...document,
        ...fields,
        status: 'ready',
        revision,
        stagingRevision: null,
        updatedAt: Date.now(),
      }),
    );
    await tx.done;
  });
}
