import { throwIfAborted } from '../../core/errors.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import type { Embedder } from '../../engines/embed/index.ts';
import { notFound } from '../errors.ts';
import {
  BLOCK_SIZE,
  packVectors,
  quiet,
  revisionRange,
  sameModel,
  storageWrite,
} from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import type { VectorBlockRecord } from '../types.ts';

/**
 * Re-embeds every document of a collection whose vectors came from another model than the
 * collection's (set to the new model when the job was queued). Each document's vectors are replaced
 * in one transaction together with its model stamp, so the job can stop anywhere and resume: it
 * simply continues with the documents still stamped with the old model.
 */
export async function reembedCollection(
  db: RagDatabase,
  embedder: Embedder,
  collectionId: string,
  batch: number,
  options: LongOperationOptions & { onDocument?: (documentId: string) => void } = {},
): Promise<void> {
  const collection = await db.get('collections', collectionId);
  if (!collection) throw notFound('collection', collectionId);
  const documents = (await db.getAllFromIndex('documents', 'byCollection', collectionId)).filter(
    (document) => document.status === 'ready',
  );
  const stale = documents.filter((document) => !sameModel(document.model, collection.model));
  let done = documents.length - stale.length;
  options.onProgress?.({ phase: 're-embedding', loaded: done, total: documents.length });
  const dim = collection.model.dimensions;
  for (const document of stale) {
    throwIfAborted(options.signal);
    const chunks = await db.getAll('chunks', revisionRange(document.id, document.revision));
    const blocks: VectorBlockRecord[] = [];
    for (let first = 0; first < chunks.length; first += BLOCK_SIZE) {
      const blockChunks = chunks.slice(first, first + BLOCK_SIZE);
      const vectors = new Float32Array(blockChunks.length * dim);
      for (let i = 0; i < blockChunks.length; i += batch) {
        throwIfAborted(options.signal);
        const texts = blockChunks.slice(i, i + batch).map((chunk) => chunk.text);
        const embedded = await embedder.embed(texts, { kind: 'passage', signal: options.signal });
        embedded.forEach((vector, j) => vectors.set(vector, (i + j) * dim));
      }
      blocks.push({
        documentId: document.id,
        revision: document.revision,
        block: first / BLOCK_SIZE,
        collectionId,
        firstSeq: blockChunks[0]!.seq,
        count: blockChunks.length,
        dimensions: dim,
        ...packVectors(vectors, blockChunks.length, dim),
      });
    }
    await storageWrite(async () => {
      const tx = db.transaction(['documents', 'vectorBlocks'], 'readwrite');
      const current = await tx.objectStore('documents').get(document.id);
      // Changed meanwhile (updated or deleted in another tab): its new revision has the new model already.
      if (!current || current.revision !== document.revision) return tx.done;
      quiet(tx.objectStore('vectorBlocks').delete(revisionRange(document.id, document.revision)));
      for (const block of blocks) quiet(tx.objectStore('vectorBlocks').put(block));
      quiet(tx.objectStore('documents').put({ ...current, model: collection.model }));
      return tx.done;
    });
    options.onDocument?.(document.id);
    options.onProgress?.({ phase: 're-embedding', loaded: ++done, total: documents.length });
  }
}
