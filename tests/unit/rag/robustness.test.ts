import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthError } from '../../../src/core/errors.ts';
import { RagService, type RagServiceOptions } from '../../../src/rag/service.ts';
import { HashedEmbedder } from './hashed-embedder.ts';

const open: RagService[] = [];
let counter = 0;
const databaseName = () => `rag-robust-${process.pid}-${counter}`;
function newService(embedder = new HashedEmbedder(), options: RagServiceOptions = {}) {
  const service = new RagService(embedder, { databaseName: databaseName(), ...options });
  open.push(service);
  return service;
}
afterEach(async () => {
  while (open.length) await open.pop()!.close();
  counter++;
});

async function rowCounts() {
  const db = await openDB(databaseName());
  const counts = Object.fromEntries(
    await Promise.all(
      ['documents', 'chunks', 'vectorBlocks', 'postingBlocks'].map(async (store) => [
        store,
        await db.count(store),
      ]),
    ),
  );
  db.close();
  return counts as Record<string, number>;
}

async function errorOf(promise: Promise<unknown>): Promise<HearthError> {
  try {
    await promise;
  } catch (error) {
    return error as HearthError;
  }
  throw new Error('expected a rejection');
}

/** 3,000 short paragraphs: with 16-token chunks, three 1,024-chunk blocks. */
const longText = Array.from(
  { length: 3000 },
  (_, i) => `Paragraph ${i} talks about item${i} and nothing else.`,
).join('\n\n');

describe('bad input leaves the store consistent', () => {
  it('refuses empty, whitespace-only, binary, invalid UTF-8, broken PDF and unsupported documents with clear codes', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'c' });
    const cases: [unknown, string][] = [
      ['', 'RAG_EMPTY_DOCUMENT'],
      ['  \n\t ', 'RAG_EMPTY_DOCUMENT'],
      [
        new Blob([Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)], { type: 'text/plain' }),
        'RAG_BINARY_CONTENT',
      ],
      [
        new Blob([new Uint8Array([0x48, 0x69, 0xc3, 0x28, 0x20, 0xff, 0xfe])], { type: 'text/plain' }),
        'RAG_INVALID_UTF8',
      ],
      [new Blob(['%PDF-1.7'], { type: 'application/pdf' }), 'RAG_PDF_MALFORMED'],
      [new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }), 'RAG_UNSUPPORTED_TYPE'],
    ];
    for (const [content, code] of cases) {
      const error = await errorOf(rag.ingest({ collectionId: id, content: content as string }));
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(20);
    }
    expect(await rowCounts()).toEqual({ documents: 0, chunks: 0, vectorBlocks: 0, postingBlocks: 0 });
    expect(await rag.jobs()).toEqual([]);
  });

  it('refuses a document over the cap before reading it, and streams one under it', async () => {
    const rag = newService(new HashedEmbedder(), { maxDocumentBytes: 1024 * 1024, chunkTokens: 64 });
    const { id } = await rag.createCollection({ name: 'c' });
    const line = 'The quick brown fox jumps over the lazy dog near the river bank.\n';
    const big = new Blob([line.repeat(Math.floor((1024 * 1024) / line.length))]);
    const tooBig = new Blob([big, 'x'.repeat(1024)]);
    const error = await errorOf(rag.ingest({ collectionId: id, content: tooBig }));
    expect(error.code).toBe('RAG_DOCUMENT_TOO_LARGE');
    expect(error.message).toContain('maxDocumentBytes');
    const result = await rag.ingest({ collectionId: id, content: big, title: 'big.txt' });
    expect(result.chunkCount).toBeGreaterThan(1000);
    const [hit] = await rag.search({ query: 'lazy dog river', mode: 'lexical' });
    expect(hit?.title).toBe('big.txt');
  });

  it('a quota error mid-ingest reports RAG_QUOTA_EXCEEDED and leaves no trace of the document', async () => {
    const rag = newService(new HashedEmbedder(), { chunkTokens: 16 });
    const { id } = await rag.createCollection({ name: 'c' });
    const kept = await rag.ingest({ collectionId: id, content: 'a document that stays' });
    const before = await rowCounts();
    const prototype = globalThis.IDBObjectStore.prototype;
    const put = prototype.put;
    let vectorPuts = 0;
    prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'vectorBlocks' && ++vectorPuts === 2)
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    try {
      const error = await errorOf(rag.ingest({ collectionId: id, content: longText }));
      expect(error.code).toBe('RAG_QUOTA_EXCEEDED');
    } finally {
      prototype.put = put;
    }
    expect(await rowCounts()).toEqual(before);
    expect((await rag.listDocuments(id)).map((d) => d.id)).toEqual([kept.documentId]);
    const [failed] = await rag.jobs();
    expect(failed?.state).toBe('failed');
    expect(failed?.error?.code).toBe('RAG_QUOTA_EXCEEDED');
    // Space freed: the same job succeeds when retried.
    await rag.retryJob(failed!.id!);
    await rag.idle();
    expect(await rag.listDocuments(id)).toHaveLength(2);
  });
});

describe('atomic, resumable ingest', () => {
  it('an embedder failure mid-document leaves neither the document nor staged rows', async () => {
    const embedder = new HashedEmbedder();
    const rag = newService(embedder, { chunkTokens: 16 });
    const { id } = await rag.createCollection({ name: 'c' });
    embedder.failOnCall = 100; // after the first block (64 calls of 16 chunks) was staged
    const error = await errorOf(rag.ingest({ collectionId: id, content: longText }));
    expect(error.message).toContain('embedder failed');
    expect(await rowCounts()).toEqual({ documents: 0, chunks: 0, vectorBlocks: 0, postingBlocks: 0 });
    expect(await rag.search({ query: 'item5', mode: 'lexical' })).toEqual([]);
  });

  it('a page closed mid-ingest: the reopened store shows no partial document, then resumes the job', async () => {
    const stalled = new HashedEmbedder();
    let release: () => void = () => undefined;
    const embed = stalled.embed.bind(stalled);
    stalled.embed = async (texts, options) => {
      // After a few blocks are staged, hang like a page that is being closed.
      if (stalled.embedCalls >= 80) await new Promise<void>((resolve) => (release = resolve));
      return embed(texts, options);
    };
    const first = newService(stalled, { chunkTokens: 16 });
    const { id } = await first.createCollection({ name: 'c' });
    const { documentId } = await first.addDocument({
      collectionId: id,
      content: longText,
      title: 'long.txt',
    });
    while (stalled.embedCalls < 80) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const staged = await rowCounts();
    expect(staged.chunks).toBeGreaterThan(0); // blocks were staged...
    void first.close(); // ...and the page goes away (its connection closes; the job stays 'running')
    release();

    const reader = newService(new HashedEmbedder(), { chunkTokens: 16, resumeQueue: false });
    expect(await reader.listDocuments(id)).toEqual([]);
    expect(await reader.search({ query: 'item5 paragraph', mode: 'hybrid' })).toEqual([]);
    const [job] = await reader.jobs();
    expect(job).toMatchObject({ kind: 'ingest', documentId, state: 'running', attempts: 1 });
    await reader.close();

    const resumed = newService(new HashedEmbedder(), { chunkTokens: 16 });
    await resumed.idle();
    expect(await resumed.jobs()).toEqual([]);
    const [document] = await resumed.listDocuments(id);
    expect(document).toMatchObject({ id: documentId, status: 'ready', revision: 1, title: 'long.txt' });
    const [hit] = await resumed.search({ query: 'item2500', mode: 'lexical', k: 1 });
    expect(hit?.text).toContain('item2500');
    // Only the committed revision's rows remain.
    expect((await rowCounts()).chunks).toBe(document!.chunkCount);
  });
});

describe('embedding model changes', () => {
  it('refuses to search with another model and re-embeds the collection as a job', async () => {
    const before = newService(new HashedEmbedder(64, 'model-a'));
    const { id } = await before.createCollection({ name: 'c' });
    await before.ingest({ collectionId: id, content: 'owls hunt at night' });
    await before.ingest({ collectionId: id, content: 'larks sing in the morning' });
    await before.close();

    const after = newService(new HashedEmbedder(32, 'model-b'));
    const error = await errorOf(after.search({ query: 'owls' }));
    expect(error.code).toBe('RAG_MODEL_MISMATCH');
    expect(error.message).toContain('model-a');
    expect(error.message).toContain('Re-embed');
    expect((await after.checkModel(id)).matches).toBe(false);
    expect((await errorOf(after.ingest({ collectionId: id, content: 'x y' }))).code).toBe(
      'RAG_MODEL_MISMATCH',
    );
    const { jobId } = await after.reembed(id);
    await after.waitForJob(jobId);
    expect((await after.checkModel(id)).matches).toBe(true);
    const [hit] = await after.search({ query: 'owls at night', mode: 'dense', k: 1 });
    expect(hit?.text).toBe('owls hunt at night');
  });
});

describe('export and import', () => {
  it('round-trips a collection into one file and gives identical search results', async () => {
    const rag = newService(new HashedEmbedder(), { chunkTokens: 24 });
    const { id } = await rag.createCollection({ name: 'orig' });
    await rag.ingest({
      collectionId: id,
      content: longText.slice(0, 20_000),
      title: 'long.txt',
      tags: ['t'],
    });
    await rag.ingest({
      collectionId: id,
      content: '# A\n\nalpha beta\n\n## B\n\ngamma delta',
      title: 'md.md',
    });
    const file = await rag.exportCollection(id);
    const copy = await rag.importCollection(file, { name: 'copy' });
    expect(copy.name).toBe('copy');
    const strip = (hits: Awaited<ReturnType<RagService['search']>>) =>
      hits.map(({ documentId: _d, collectionId: _c, ...rest }) => rest);
    for (const query of ['item42 paragraph', 'gamma', 'nothing else talks']) {
      for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
        const a = await rag.search({ query, mode, collectionIds: [id] });
        const b = await rag.search({ query, mode, collectionIds: [copy.id] });
        expect(a.length).toBeGreaterThan(0);
        expect(strip(b)).toEqual(strip(a));
      }
    }
    const bad = await errorOf(rag.importCollection(new Blob(['{"hello":1}\n'])));
    expect(bad.code).toBe('RAG_BAD_EXPORT');
  });
});
