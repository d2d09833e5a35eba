import { throwIfAborted } from '../../core/errors.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import type { Embedder } from '../../engines/embed/index.ts';
import { notFound } from '../errors.ts';
import { BLOCK_SIZE, commitRevision, discardRevision, storageWrite, writeBlock } from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import type { CollectionRecord, DocumentRecord, IngestJobInput, IngestResult } from '../types.ts';
import { BlockSplitter, type TextBlock } from './blocks.ts';
import { chunkBlocks, type Chunk } from './chunker.ts';
import { HtmlTextExtractor } from './html-text.ts';
import { decodeText, inspectBinary, inspectContent } from './inspect.ts';
import { PageMap, pdfBlocks } from './pdf/index.ts';

export interface IngestSettings {
  maxDocumentBytes: number;
  chunkTokens: number;
  overlapTokens: number;
  embedBatch: number;
  /** Pages read from one PDF at most (DEFAULT_MAX_PDF_PAGES when left out); longer ones are refused. */
  maxPdfPages?: number;
}

export interface IngestContext {
  db: RagDatabase;
  embedder: Embedder;
  settings: IngestSettings;
}

/**
 * Ingests one document as a new revision: inspect (refuse bad input before writing anything),
 * skip if the same content is already there, then stream text -> blocks -> chunks -> vectors into
 * staged blocks, and commit the revision in one transaction. Until that commit, search sees the
 * previous revision (or nothing); if anything fails, the staged rows are removed.
 */
export async function ingestDocument(
  context: IngestContext,
  documentId: string,
  input: IngestJobInput,
  options: LongOperationOptions = {},
): Promise<IngestResult> {
  const { db, embedder, settings } = context;
  const { signal, onProgress } = options;
  const collection = await db.get('collections', input.collectionId);
  if (!collection) throw notFound('collection', input.collectionId);
  const pdf = input.mimeType === 'application/pdf';
  const inspect = pdf ? inspectBinary : inspectContent;
  const inspected = await inspect(input.content, { maxBytes: settings.maxDocumentBytes, signal });

  const duplicate = await findDuplicate(db, collection.id, inspected.contentHash);
  if (duplicate) return { documentId: duplicate.id, deduplicated: true, chunkCount: duplicate.chunkCount };

  const now = Date.now();
  const existing = await db.get('documents', documentId);
  const revision = (existing ? Math.max(existing.revision, existing.stagingRevision ?? 0) : 0) + 1;
  const base: DocumentRecord = existing ?? {
    id: documentId,
    collectionId: collection.id,
    title: input.title,
    source: input.source,
    mimeType: input.mimeType,
    contentHash: inspected.contentHash,
    byteLength: inspected.byteLength,
    tags: input.tags,
    date: input.date ?? now,
    metadata: input.metadata,
    createdAt: now,
    updatedAt: now,
    status: 'staging',
    revision: 0,
    stagingRevision: null,
    chunkCount: 0,
    model: collection.model,
  };
  await storageWrite(() => db.put('documents', { ...base, stagingRevision: revision }));

  try {
    const extractor = input.mimeType === 'text/html' ? new HtmlTextExtractor() : null;
    const pages = pdf ? new PageMap() : null;
    const blocks = pages
      ? pdfBlocks(input.content, pages, {
          maxPages: settings.maxPdfPages,
          signal,
          onProgress,
          file: input.title,
        })
      : blocksOf(input, extractor, signal);
    const chunks = chunkBlocks(blocks, {
      maxTokens: Math.min(settings.chunkTokens, (await embedder.info()).maxTokens),
      overlapTokens: settings.overlapTokens,
      countTokens: (texts) => embedder.countTokens(texts),
      signal,
    });
    let block = 0;
    let pending: (Chunk & { page?: number; pageEnd?: number })[] = [];
    let chunkCount = 0;
    const flush = async () => {
      const vectors = await embedAll(embedder, pending, collection, settings.embedBatch, signal);
      await writeBlock(db, base, revision, block++, pending, vectors, collection.model.dimensions);
      chunkCount += pending.length;
      const last = pending[pending.length - 1]!;
      pending = [];
      if (pages) {
        onProgress?.({
          phase: 'embedding',
          file: input.title,
          loaded: last.pageEnd!,
          total: pages.pageCount,
        });
        return;
      }
      // Characters read against bytes in all: exact for ASCII, an estimate otherwise.
      const loaded = Math.min(last.end, inspected.byteLength);
      onProgress?.({ phase: 'embedding', file: input.title, loaded, total: inspected.byteLength });
    };
    for await (const chunk of chunks) {
      // A chunk may run over a page break; a citation names the page it starts on and where it ends.
      pending.push(
        pages ? { ...chunk, page: pages.pageAt(chunk.start), pageEnd: pages.pageAt(chunk.end - 1) } : chunk,
      );
      if (pending.length >= BLOCK_SIZE) await flush();
    }
    if (pending.length > 0) await flush();
    throwIfAborted(signal);
    await commitRevision(db, documentId, revision, {
      chunkCount,
      contentHash: inspected.contentHash,
      byteLength: inspected.byteLength,
      title: input.title || extractor?.title || base.title,
      source: input.source,
      mimeType: input.mimeType,
      tags: input.tags,
      date: input.date ?? base.date,
      metadata: input.metadata,
      model: collection.model,
      // Set for every revision, so a PDF replaced by a text file does not keep its page map.
      pageStarts: pages?.starts,
    });
    onProgress?.({ phase: 'done', file: input.title, loaded: chunkCount, total: chunkCount });
    return { documentId, deduplicated: false, chunkCount };
  } catch (error) {
    await discardRevision(db, documentId, revision).catch(() => undefined);
    throw error;
  }
}

async function findDuplicate(
  db: RagDatabase,
  collectionId: string,
  hash: string,
): Promise<DocumentRecord | undefined> {
  const matches = await db.getAllFromIndex('documents', 'byHash', [collectionId, hash]);
  return matches.find((document) => document.status === 'ready');
}

async function* blocksOf(
  input: IngestJobInput,
  extractor: HtmlTextExtractor | null,
  signal: AbortSignal | undefined,
): AsyncGenerator<TextBlock> {
  const splitter = new BlockSplitter(input.mimeType !== 'text/plain');
  for await (const piece of decodeText(input.content, signal)) {
    yield* splitter.push(extractor ? extractor.push(piece) : piece);
  }
  if (extractor) yield* splitter.push(extractor.end());
  yield* splitter.end();
}

async function embedAll(
  embedder: Embedder,
  chunks: Chunk[],
  collection: CollectionRecord,
  batch: number,
  signal: AbortSignal | undefined,
): Promise<Float32Array> {
  const dim = collection.model.dimensions;
  const vectors = new Float32Array(chunks.length * dim);
  for (let i = 0; i < chunks.length; i += batch) {
    throwIfAborted(signal);
    const texts = chunks.slice(i, i + batch).map((chunk) => chunk.text);
    const embedded = await embedder.embed(texts, { kind: 'passage', signal });
    embedded.forEach((vector, j) => {
      if (vector.length !== dim)
        throw new Error(`The embedder returned ${vector.length} dimensions, expected ${dim}`);
      vectors.set(vector, (i + j) * dim);
    });
  }
  return vectors;
}
