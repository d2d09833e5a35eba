import { HearthError, throwIfAborted } from '../../core/errors.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import { decodeText } from '../ingest/inspect.ts';
import { commitRevision, discardRevision, storageWrite, writeBlock } from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import type { CollectionRecord, DocumentRecord } from '../types.ts';
import { blockLine, documentLine, fromBase64, headerLine, type DocumentLine } from './format.ts';

/**
 * Reads an export (streaming, line by line) into a new collection. Each document is staged and
 * committed like an ingest, so an import cut short leaves whole documents only.
 */
export async function importCollection(
  db: RagDatabase,
  file: Blob,
  options: LongOperationOptions & { name?: string } = {},
): Promise<CollectionRecord> {
  const importer = new Importer(db, file.size, options);
  try {
    for await (const line of lines(file, options.signal)) await importer.line(line);
    return await importer.finish();
  } catch (error) {
    await importer.abandon();
    throw error;
  }
}

/** Reads an export line by line; holds at most one block in memory. */
class Importer {
  private collection: CollectionRecord | null = null;
  private document: { record: DocumentRecord; chunkCount: number; blocks: number } | null = null;
  private bytesRead = 0;

  constructor(
    private readonly db: RagDatabase,
    private readonly totalBytes: number,
    private readonly options: LongOperationOptions & { name?: string },
  ) {}

  async line(line: string): Promise<void> {
    this.bytesRead += line.length + 1;
    const value = parseLine(line);
    if (!this.collection) return this.header(value);
    const document = documentLine.safeParse(value);
    if (document.success) return this.startDocument(this.collection, document.data.document);
    const block = blockLine.safeParse(value);
    if (!block.success || !this.document) throw badExport('a line is neither a document nor a block of one');
    const { dimensions } = this.collection.model;
    const bytes = fromBase64(block.data.vectors);
    const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    if (vectors.length !== block.data.chunks.length * dimensions) {
      throw badExport('a block has a different number of vectors than chunks');
    }
    await writeBlock(
      this.db,
      this.document.record,
      1,
      this.document.blocks++,
      block.data.chunks,
      vectors,
      dimensions,
    );
    this.document.chunkCount += block.data.chunks.length;
    this.options.onProgress?.({
      phase: 'importing',
      loaded: Math.min(this.bytesRead, this.totalBytes),
      total: this.totalBytes,
    });
  }

  async finish(): Promise<CollectionRecord> {
    await this.commitDocument();
    if (!this.collection) throw badExport('it is empty');
    return this.collection;
  }

  /** Removes the staged rows of the document being imported (the committed ones stay, whole). */
  async abandon(): Promise<void> {
    if (this.document) await discardRevision(this.db, this.document.record.id, 1).catch(() => undefined);
  }

  private async header(value: unknown): Promise<void> {
    const header = headerLine.safeParse(value);
    if (!header.success) throw badExport('it does not start with a Hearth collection header');
    const collection: CollectionRecord = {
      id: crypto.randomUUID(),
      name: this.options.name ?? header.data.collection.name,
      model: header.data.collection.model,
      createdAt: header.data.collection.createdAt,
    };
    await storageWrite(() => this.db.put('collections', collection));
    this.collection = collection;
  }

  private async startDocument(
    collection: CollectionRecord,
    exported: DocumentLine['document'],
  ): Promise<void> {
    await this.commitDocument();
    const record: DocumentRecord = {
      ...exported,
      id: crypto.randomUUID(),
      collectionId: collection.id,
      updatedAt: Date.now(),
      status: 'staging',
      revision: 0,
      stagingRevision: 1,
      chunkCount: 0,
      model: collection.model,
    };
    await storageWrite(() => this.db.put('documents', record));
    this.document = { record, chunkCount: 0, blocks: 0 };
  }

  private async commitDocument(): Promise<void> {
    if (!this.document) return;
    await commitRevision(this.db, this.document.record.id, 1, { chunkCount: this.document.chunkCount });
    this.document = null;
  }
}

async function* lines(file: Blob, signal: AbortSignal | undefined): AsyncGenerator<string> {
  let rest = '';
  for await (const piece of decodeText(file, signal)) {
    throwIfAborted(signal);
    rest += piece;
    const parts = rest.split('\n');
    rest = parts.pop()!;
    for (const part of parts) if (part.trim()) yield part;
  }
  if (rest.trim()) yield rest;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw badExport('a line is not JSON');
  }
}

function badExport(why: string): HearthError {
  return new HearthError(
    'RAG_BAD_EXPORT',
    `This file is not a Hearth collection export (${why}). Choose a file made with "Export collection".`,
  );
}
