import { openDB } from 'idb';
import type { Embedder, EmbedOptions } from '../../../src/engines/embed/contract.ts';
import type { RagEvent } from '../../../src/rag/events.ts';
import type { DocumentInput } from '../../../src/rag/service-input.ts';
import type { SearchRequest } from '../../../src/rag/search/request.ts';
import { createEmbedder } from '../../../src/runtime/embedder.ts';
import { startRag } from '../../../src/runtime/rag.ts';
import { HashedEmbedder } from '../../unit/rag/hashed-embedder.ts';
import { writeVersion1Store } from '../../unit/rag/version1-store.ts';

// Drives the real RAG worker with real IndexedDB. Query string: db (database name), resume=0
// (do not resume queued jobs on open), slowEmbedMs (delay per embed call, to stop a page mid-ingest),
// v1=1 (write a schema-version-1 store first).
const params = new URLSearchParams(location.search);
const databaseName = params.get('db') ?? 'hearth-rag-e2e';
const slowEmbedMs = Number(params.get('slowEmbedMs') ?? 0);

// embedder=real: the ONNX embedding worker with the bundled tiny demo model; else the hashed stand-in.
const embedder: Embedder =
  params.get('embedder') === 'real'
    ? await createEmbedder({
        model: { baseUrl: '/models', modelId: 'hearth-demo/tiny-embed' },
        device: 'wasm',
      })
    : new HashedEmbedder(64);
const embed = embedder.embed.bind(embedder);
embedder.embed = async (texts: string[], options?: EmbedOptions) => {
  if (slowEmbedMs > 0) await new Promise((resolve) => setTimeout(resolve, slowEmbedMs));
  return embed(texts, options);
};

if (params.get('v1') === '1') await writeVersion1Store(databaseName, embedder as HashedEmbedder);

const rag = await startRag({
  embedder,
  databaseName,
  chunkTokens: Number(params.get('chunkTokens') ?? 16),
  maxDocumentBytes: Number(params.get('maxMb') ?? 64) * 1024 * 1024,
  resumeQueue: params.get('resume') !== '0',
});
const api = rag;

const events: RagEvent[] = [];
void (async () => {
  for await (const event of await api.events()) events.push(event);
})();

const progress = { loaded: 0, total: 0, phase: '' };
let exported: Blob | null = null;

const longText = (n: number) =>
  Array.from({ length: n }, (_, i) => `Paragraph ${i} talks about item${i} and nothing else.`).join('\n\n');

async function settle<T>(promise: Promise<T>) {
  try {
    return { value: await promise, error: null };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { value: null, error: { code, message } };
  }
}

Object.assign(globalThis, {
  harness: {
    persistence: await rag.persistence(),
    events,
    progress,
    createCollection: (name: string) => api.createCollection({ name }),
    listCollections: () => api.listCollections(),
    ingest: (input: DocumentInput) => settle(api.ingest(input)),
    ingestLong: (collectionId: string, paragraphs: number) =>
      settle(
        api.ingest(
          { collectionId, content: longText(paragraphs), title: 'long.txt' },
          { onProgress: (p) => Object.assign(progress, p) },
        ),
      ),
    /** Starts ingesting without waiting, so the test can close the page mid-way. */
    startLong: (collectionId: string, paragraphs: number) => {
      void api
        .ingest(
          { collectionId, content: longText(paragraphs), title: 'long.txt' },
          { onProgress: (p) => Object.assign(progress, p) },
        )
        .catch(() => undefined);
    },
    /** A text document of `megabytes` MB (built from parts, never one string) with a marker near its end. */
    ingestHuge: (collectionId: string, megabytes: number) => {
      const paragraph =
        'Streaming ingest keeps memory bounded while the document grows very large indeed.\n\n';
      const part = paragraph.repeat(Math.floor((1024 * 1024) / paragraph.length));
      const parts = Array.from({ length: megabytes - 1 }, () => part);
      parts.push('The zanzibar marker sentence sits near the end.\n\n', part);
      const content = new Blob(parts, { type: 'text/plain' });
      return settle(
        api
          .ingest({ collectionId, content, title: 'huge.txt' })
          .then((result) => ({ ...result, bytes: content.size })),
      );
    },
    ingestUrl: async (collectionId: string, url: string, title: string) =>
      settle(api.ingest({ collectionId, content: await (await fetch(url)).blob(), title })),
    countTokens: (texts: string[]) => embedder.countTokens(texts),
    embedderInfo: () => embedder.info(),
    reembed: async (collectionId: string) => {
      const { jobId } = await api.reembed(collectionId);
      return settle(api.waitForJob(jobId));
    },
    search: (request: SearchRequest) => settle(api.search(request)),
    listDocuments: (collectionId: string) => api.listDocuments(collectionId),
    deleteDocument: (id: string) => api.deleteDocument(id),
    jobs: () => api.jobs(),
    resume: () => api.resume(),
    idle: () => api.idle(),
    exportCollection: async (collectionId: string) => {
      exported = await api.exportCollection(collectionId);
      return exported.size;
    },
    importExported: (name: string) => api.importCollection(exported!, { name }),
    /** Row counts straight from IndexedDB, staged rows included. */
    rawCounts: async () => {
      const db = await openDB(databaseName);
      const counts: Record<string, number> = {};
      for (const store of ['documents', 'chunks', 'vectorBlocks', 'postingBlocks', 'ingestJobs']) {
        counts[store] = db.objectStoreNames.contains(store) ? await db.count(store as never) : -1;
      }
      db.close();
      return counts;
    },
    /** Opens the database one version up, as a newer Hearth in another tab would. */
    upgradeDatabase: async () => {
      const current = await openDB(databaseName);
      const version = current.version;
      current.close();
      const newer = await openDB(databaseName, version + 1);
      newer.close();
      return version + 1;
    },
  },
});
document.title = 'rag harness ready';
