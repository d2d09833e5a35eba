import { throwIfAborted } from '../../core/errors.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import { notFound } from '../errors.ts';
import { readyDocuments, revisionRange } from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import { documentLine, EXPORT_FORMAT, EXPORT_VERSION, toBase64, type DocumentLine } from './format.ts';

/** One file holding a collection's committed documents, chunks and vectors (see format.ts). */
export async function exportCollection(
  db: RagDatabase,
  collectionId: string,
  options: LongOperationOptions = {},
): Promise<Blob> {
  const collection = await db.get('collections', collectionId);
  if (!collection) throw notFound('collection', collectionId);
  const parts: string[] = [
    JSON.stringify({
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      collection: { name: collection.name, model: collection.model, createdAt: collection.createdAt },
    }) + '\n',
  ];
  const documents = await readyDocuments(db, collectionId);
  let done = 0;
  for (const document of documents) {
    throwIfAborted(options.signal);
    parts.push(JSON.stringify({ type: 'document', document: exportedDocument(document) }) + '\n');
    const tx = db.transaction(['chunks', 'vectorBlocks']);
    const range = revisionRange(document.id, document.revision);
    const [chunks, blocks] = await Promise.all([
      tx.objectStore('chunks').getAll(range),
      tx.objectStore('vectorBlocks').getAll(range),
    ]);
    for (const block of blocks) {
      const blockChunks = chunks
        .filter((chunk) => chunk.seq >= block.firstSeq && chunk.seq < block.firstSeq + block.count)
        .map(({ seq, text, start, end, headingPath, tokenCount, page, pageEnd }) => ({
          seq,
          text,
          start,
          end,
          headingPath,
          tokenCount,
          page,
          pageEnd,
        }));
      parts.push(
        JSON.stringify({
          type: 'block',
          documentId: document.id,
          block: block.block,
          vectors: toBase64(new Uint8Array(block.vectors)),
          chunks: blockChunks,
        }) + '\n',
      );
    }
    options.onProgress?.({ phase: 'exporting', loaded: ++done, total: documents.length });
  }
  return new Blob(parts, { type: 'application/x-ndjson' });
}

type ExportedDocument = DocumentLine['document'];
// The fields the format declares (format.ts), in its order; nothing the store keeps besides.
const EXPORTED_FIELDS = Object.keys(documentLine.shape.document.shape) as Array<keyof ExportedDocument>;

function exportedDocument(document: ExportedDocument): ExportedDocument {
  return Object.fromEntries(EXPORTED_FIELDS.map((field) => [field, document[field]])) as ExportedDocument;
}
