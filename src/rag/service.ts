import { HearthError } from '../core/errors.ts';
import type { LongOperationOptions } from '../core/progress.ts';
import type { Embedder, EmbedderInfo } from '../engines/embed/index.ts';
import { ChangeChannel, type RagEvent } from './events.ts';
import { notFound } from './errors.ts';
import { exportCollection } from './exchange/export.ts';
import { importCollection } from './exchange/import.ts';
import { ingestDocument, type IngestSettings } from './ingest/ingest-document.ts';
import { storePrepared, sweepOrphanedStaging, type PreparedDocument } from './ingest/prepared.ts';
import { IngestQueue } from './ingest/queue.ts';
import { reembedCollection } from './ingest/reembed.ts';
import {
  deleteCollectionRows,
  deleteDocumentRows,
  discardRevision,
  readyDocuments,
  sameModel,
  storageWrite,
} from './store/documents.ts';
import { openRagStore, outdatedTabError } from './store/open.ts';
import { readPassage, type Passage } from './store/passage.ts';
import { DEFAULT_DATABASE_NAME, type RagDatabase } from './store/schema.ts';
import { IndexCache } from './search/index-cache.ts';
import { searchRequestSchema, type SearchRequest, type SearchResult } from './search/request.ts';
import { hydrate, rank } from './search/search.ts';
import { documentInputSchema, parseInput, resolveMimeType, type DocumentInput } from './service-input.ts';
import type {
  CollectionRecord,
  DocumentRecord,
  EmbeddingModelRef,
  IngestJobRecord,
  IngestResult,
} from './types.ts';

export interface RagServiceOptions extends Partial<IngestSettings> {
  databaseName?: string;
  /** Use the JS scoring kernel even where WebAssembly SIMD exists (for comparisons). */
  preferJsKernel?: boolean;
  /** Start the ingest queue (and so resume jobs left by a closed page) when the store opens. */
  resumeQueue?: boolean;
}

const DEFAULTS: IngestSettings = {
  maxDocumentBytes: 64 * 1024 * 1024,
  chunkTokens: 256,
  overlapTokens: 32,
  embedBatch: 16,
};

export interface QueuedDocument {
  jobId: number;
  documentId: string;
}

/**
 * Hearth's document store and search, as served by the RAG worker: collections of documents in
 * IndexedDB, ingested through a persistent queue, searched in memory (dense, BM25, hybrid).
 */
export class RagService {
  private readonly settings: IngestSettings;
  private readonly databaseName: string;
  private database: Promise<RagDatabase> | null = null;
  private queue: IngestQueue | null = null;
  private outdated: HearthError | null = null;
  private readonly indexes: IndexCache;
  private readonly channel: ChangeChannel;

  constructor(
    private readonly embedder: Embedder,
    private readonly options: RagServiceOptions = {},
  ) {
    this.settings = { ...DEFAULTS, ...definedOnly(options) };
    this.databaseName = options.databaseName ?? DEFAULT_DATABASE_NAME;
    this.indexes = new IndexCache({ preferJsKernel: options.preferJsKernel });
    // A change announced by another tab leaves our index of that collection behind the store.
    this.channel = new ChangeChannel(this.databaseName, (event) =>
      this.indexes.markStale(event.collectionId),
    );
  }

  async createCollection(input: { name: string }): Promise<CollectionRecord> {
    const db = await this.db();
    const name = String(input?.name ?? '').trim();
    if (!name) throw new HearthError('INVALID_INPUT', 'Give the collection a name.');
    const collection: CollectionRecord = {
      id: crypto.randomUUID(),
      name,
      model: toModelRef(await this.embedder.info()),
      createdAt: Date.now(),
    };
    await storageWrite(() => db.put('collections', collection));
    this.channel.announce({ type: 'collections', collectionId: collection.id, documentIds: [] });
    return collection;
  }

  async listCollections(): Promise<CollectionRecord[]> {
    return (await this.db()).getAll('collections');
  }

  async deleteCollection(collectionId: string): Promise<void> {
    const documentIds = await deleteCollectionRows(await this.db(), collectionId);
    this.indexes.drop(collectionId);
    this.channel.announce({ type: 'collections', collectionId, documentIds });
  }

  /** Queues a document; it becomes searchable when its job commits. */
  async addDocument(input: DocumentInput): Promise<QueuedDocument> {
    return this.enqueueDocument(crypto.randomUUID(), input);
  }

  /** Queues new content for an existing document; search sees the old content until it commits. */
  async updateDocument(
    documentId: string,
    input: Omit<DocumentInput, 'collectionId'>,
  ): Promise<QueuedDocument> {
    const existing = await (await this.db()).get('documents', documentId);
    if (!existing || existing.status !== 'ready') throw notFound('document', documentId);
    return this.enqueueDocument(documentId, { ...input, collectionId: existing.collectionId });
  }

  /** Adds a document and waits until it is searchable (or refused). */
  async ingest(input: DocumentInput, options: LongOperationOptions = {}): Promise<IngestResult> {
    const { jobId } = await this.addDocument(input);
    return (await this.waitForJob(jobId, options))!;
  }

  async waitForJob(jobId: number, options: LongOperationOptions = {}): Promise<IngestResult | null> {
    await this.db();
    const onAbort = () => void this.queue!.cancel(jobId);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.queue!.wait(jobId, options.onProgress);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Stores a document chunked and embedded elsewhere (see ingest/prepared.ts). */
  async addPrepared(input: PreparedDocument, options: LongOperationOptions = {}): Promise<IngestResult> {
    const db = await this.db();
    const collection = await this.collection(input.collectionId);
    const result = await storePrepared(db, collection, input, options);
    if (!result.deduplicated) this.changed(collection.id, [result.documentId]);
    return result;
  }

  async deleteDocument(documentId: string): Promise<void> {
    const db = await this.db();
    const document = await deleteDocumentRows(db, documentId);
    if (!document) throw notFound('document', documentId);
    this.indexes.removeDocuments(document.collectionId, [documentId]);
    this.channel.announce({
      type: 'documents',
      collectionId: document.collectionId,
      documentIds: [documentId],
    });
  }

  /** The searchable documents of a collection (documents still being ingested are not listed). */
  async listDocuments(collectionId: string): Promise<DocumentRecord[]> {
    return readyDocuments(await this.db(), collectionId);
  }

  /** A document's passage between a search hit's offsets, with its context, for showing a citation. */
  async passage(documentId: string, range: { start: number; end: number }): Promise<Passage> {
    const start = Number(range?.start);
    const end = Number(range?.end);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start)
      throw new HearthError('INVALID_INPUT', 'A passage needs whole-number offsets with start < end.');
    return readPassage(await this.db(), documentId, { start, end });
  }

  /** Queued, running and failed jobs (failed ones keep their error until retried or cancelled). */
  async jobs(): Promise<Omit<IngestJobRecord, 'input'>[]> {
    await this.db();
    return (await this.queue!.list()).map(({ input: _input, ...job }) => job);
  }

  async retryJob(jobId: number): Promise<void> {
    await this.db();
    await this.queue!.retry(jobId);
  }

  async cancelJob(jobId: number): Promise<void> {
    const db = await this.db();
    const job = await db.get('ingestJobs', jobId);
    await this.queue!.cancel(jobId);
    const document = job?.documentId ? await db.get('documents', job.documentId) : undefined;
    if (document?.stagingRevision) await discardRevision(db, document.id, document.stagingRevision);
  }

  /** Whether a collection's vectors came from the embedder in use (search refuses otherwise). */
  async checkModel(
    collectionId: string,
  ): Promise<{ matches: boolean; collection: EmbeddingModelRef; embedder: EmbeddingModelRef }> {
    const collection = await this.collection(collectionId);
    const embedder = toModelRef(await this.embedder.info());
    return { matches: sameModel(collection.model, embedder), collection: collection.model, embedder };
  }

  /**
   * Switches a collection to the embedder in use and queues re-embedding of its documents. The job
   * is resumable; until a document is re-embedded it is left out of search.
   */
  async reembed(collectionId: string): Promise<{ jobId: number }> {
    const db = await this.db();
    const collection = await this.collection(collectionId);
    const model = toModelRef(await this.embedder.info());
    await storageWrite(() => db.put('collections', { ...collection, model }));
    this.indexes.drop(collectionId);
    const jobId = await this.queue!.enqueue({ kind: 'reembed', collectionId, documentId: null, input: null });
    this.channel.announce({ type: 'collections', collectionId, documentIds: [] });
    return { jobId };
  }

  async search(request: SearchRequest): Promise<SearchResult[]> {
    const db = await this.db();
    const parsed = parseInput(searchRequestSchema, request, 'search request');
    const collections = parsed.collectionIds
      ? await Promise.all(parsed.collectionIds.map((id) => this.collection(id)))
      : await db.getAll('collections');
    if (collections.length === 0) return [];
    let queryVector: Float32Array | null = parsed.vector ?? null;
    if (queryVector) {
      const wrong = collections.find((collection) => collection.model.dimensions !== queryVector!.length);
      if (wrong)
        throw new HearthError(
          'INVALID_INPUT',
          `The query vector has ${queryVector.length} dimensions; collection "${wrong.name}" has ${wrong.model.dimensions}.`,
        );
    } else if (parsed.mode !== 'lexical' || parsed.mmr) {
      const model = toModelRef(await this.embedder.info());
      const mismatch = collections.find((collection) => !sameModel(collection.model, model));
      if (mismatch) throw modelMismatch(mismatch, model);
      if (parsed.query.trim() !== '')
        queryVector = (await this.embedder.embed([parsed.query], { kind: 'query' }))[0] ?? null;
    }
    const indexes = await Promise.all(collections.map((collection) => this.indexes.get(db, collection)));
    return hydrate(
      db,
      this.indexes.handles,
      rank(parsed, indexes, this.indexes.handles, queryVector ?? null),
    );
  }

  /** Loads collections into memory ahead of the first search; returns chunks and vector bytes held. */
  async warm(collectionIds?: string[]): Promise<{ chunks: number; vectorBytes: number; kernel: string }> {
    const db = await this.db();
    const collections = collectionIds
      ? await Promise.all(collectionIds.map((id) => this.collection(id)))
      : await db.getAll('collections');
    const indexes = await Promise.all(collections.map((collection) => this.indexes.get(db, collection)));
    return {
      chunks: indexes.reduce((sum, index) => sum + index.chunkCount, 0),
      vectorBytes: indexes.reduce((sum, index) => sum + index.matrix.vectorBytes, 0),
      kernel: indexes[0]?.matrix.kernel.name ?? 'none',
    };
  }

  async exportCollection(collectionId: string, options: LongOperationOptions = {}): Promise<Blob> {
    return exportCollection(await this.db(), collectionId, options);
  }

  async importCollection(
    file: Blob,
    options: LongOperationOptions & { name?: string } = {},
  ): Promise<CollectionRecord> {
    const collection = await importCollection(await this.db(), file, options);
    this.channel.announce({ type: 'collections', collectionId: collection.id, documentIds: [] });
    return collection;
  }

  /** Change notices from this and other tabs, and the outdated-tab notice. */
  events(options: { signal?: AbortSignal } = {}): AsyncIterable<RagEvent> {
    return this.channel.events(options.signal);
  }

  /** Starts the ingest queue when the service was created with `resumeQueue: false`. */
  async resume(): Promise<void> {
    await this.db();
    this.queue!.kick();
  }

  /** Resolves once the ingest queue has nothing left to run. */
  async idle(): Promise<void> {
    await this.db();
    await this.queue!.idle();
  }

  async close(): Promise<void> {
    this.queue?.stop();
    this.channel.close();
    if (this.database) (await this.database.catch(() => null))?.close();
    this.database = null;
  }

  // ---- internals (the worker serves only the methods listed in RAG_METHODS) ----

  private readonly db = async (): Promise<RagDatabase> => {
    if (this.outdated) throw this.outdated;
    this.database ??= openRagStore({
      name: this.databaseName,
      onOutdated: (error) => {
        this.outdated = error;
        this.queue?.stop();
        this.channel.outdated(error);
      },
    }).then(async (db) => {
      await sweepOrphanedStaging(db);
      this.queue = new IngestQueue(db, (job, options) => this.runJob(db, job, options));
      if (this.options.resumeQueue !== false) this.queue.kick();
      return db;
    });
    this.database.catch(() => (this.database = null));
    return this.database;
  };

  private readonly runJob = async (
    db: RagDatabase,
    job: IngestJobRecord,
    options: LongOperationOptions,
  ): Promise<IngestResult | null> => {
    if (job.kind === 'reembed') {
      await reembedCollection(db, this.embedder, job.collectionId, this.settings.embedBatch, {
        ...options,
        onDocument: (id) => this.changed(job.collectionId, [id]),
      });
      return null;
    }
    const collection = await this.collection(job.collectionId);
    const model = toModelRef(await this.embedder.info());
    if (!sameModel(collection.model, model)) throw modelMismatch(collection, model);
    // A job found running was cut off: its staged rows go before it starts again.
    const existing = await db.get('documents', job.documentId!);
    if (existing?.stagingRevision) await discardRevision(db, existing.id, existing.stagingRevision);
    const result = await ingestDocument(
      { db, embedder: this.embedder, settings: this.settings },
      job.documentId!,
      job.input!,
      options,
    );
    if (!result.deduplicated) this.changed(job.collectionId, [result.documentId]);
    return result;
  };

  private readonly changed = (collectionId: string, documentIds: string[]): void => {
    this.indexes.markStale(collectionId);
    this.channel.announce({ type: 'documents', collectionId, documentIds });
  };

  private readonly enqueueDocument = async (
    documentId: string,
    raw: DocumentInput,
  ): Promise<QueuedDocument> => {
    const input = parseInput(documentInputSchema, raw, 'document');
    const collection = await this.collection(input.collectionId);
    const model = toModelRef(await this.embedder.info());
    if (!sameModel(collection.model, model)) throw modelMismatch(collection, model);
    const mimeType = resolveMimeType(input.mimeType, input.content, input.title);
    const content = typeof input.content === 'string' ? new Blob([input.content]) : input.content;
    const jobId = await this.queue!.enqueue({
      kind: 'ingest',
      collectionId: collection.id,
      documentId,
      input: { ...input, content, mimeType, title: input.title || fileName(input.content) },
    });
    return { jobId, documentId };
  };

  private readonly collection = async (collectionId: string): Promise<CollectionRecord> => {
    const collection = await (await this.db()).get('collections', collectionId);
    if (!collection) throw notFound('collection', collectionId);
    return collection;
  };
}

function toModelRef(info: EmbedderInfo): EmbeddingModelRef {
  return { modelId: info.modelId, revision: info.revision, dimensions: info.dimensions };
}

function modelMismatch(collection: CollectionRecord, model: EmbeddingModelRef): HearthError {
  const describe = (m: EmbeddingModelRef) => `${m.modelId}@${m.revision} (${m.dimensions} dimensions)`;
  return new HearthError(
    'RAG_MODEL_MISMATCH',
    `Collection "${collection.name}" was embedded with ${describe(collection.model)}, but the embedding model in use is ${describe(model)}. Re-embed the collection (reembed) to use it with this model.`,
    { details: { collectionId: collection.id, collectionModel: collection.model, embedderModel: model } },
  );
}

function fileName(content: string | Blob): string {
  return typeof File !== 'undefined' && content instanceof File ? content.name : '';
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export { outdatedTabError };
