import { openDB } from 'idb';
import { buildPostingBlock } from '../../../src/rag/lexical/postings.ts';
import { migrations, type RagDatabase } from '../../../src/rag/store/schema.ts';
import { hashedVector, type HashedEmbedder } from './hashed-embedder.ts';

/** Writes a store exactly as schema version 1 left it: documents without status, tags or model. */
export async function writeVersion1Store(name: string, embedder: HashedEmbedder) {
  const model = { modelId: embedder.modelId, revision: embedder.revision, dimensions: embedder.dimensions };
  const texts = ['the lighthouse keeper logs the weather', 'storms arrive from the west in autumn'];
  const db = await openDB(name, 1, {
    upgrade: (upgrading, _old, _new, tx) => migrations[1]!(upgrading as unknown as RagDatabase, tx as never),
  });
  await db.put('collections', { id: 'c1', name: 'old notes', model, createdAt: 1 });
  await db.put('documents', {
    id: 'd1',
    collectionId: 'c1',
    title: 'log.txt',
    source: '',
    mimeType: 'text/plain',
    contentHash: 'h',
    byteLength: 80,
    createdAt: 1,
    updatedAt: 1,
    revision: 1,
    chunkCount: 2,
  });
  let start = 0;
  for (const [seq, text] of texts.entries()) {
    await db.put('chunks', {
      documentId: 'd1',
      revision: 1,
      seq,
      text,
      start,
      end: start + text.length,
      headingPath: [],
      tokenCount: 8,
    });
    start += text.length + 2;
  }
  const vectors = new Float32Array(texts.length * model.dimensions);
  texts.forEach((text, i) => vectors.set(hashedVector(text, model.dimensions), i * model.dimensions));
  const key = { documentId: 'd1', revision: 1, block: 0, collectionId: 'c1', firstSeq: 0 };
  await db.put('vectorBlocks', { ...key, count: 2, dimensions: model.dimensions, vectors: vectors.buffer });
  await db.put('postingBlocks', { ...key, ...buildPostingBlock(texts) });
  db.close();
}
