import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { RagService } from '../../../src/rag/service.ts';
import { HashedEmbedder } from './hashed-embedder.ts';

const open: RagService[] = [];
let counter = 0;
/** The database the current test uses (each test gets its own). */
export const databaseName = () => `rag-test-${process.pid}-${counter}`;
function newService(
  embedder = new HashedEmbedder(),
  options: ConstructorParameters<typeof RagService>[1] = {},
) {
  const service = new RagService(embedder, { databaseName: databaseName(), ...options });
  open.push(service);
  return service;
}
afterEach(async () => {
  while (open.length) await open.pop()!.close();
  counter++;
});

const guide = `# Hearth guide

Hearth runs language models on your own device.

## Installing

Run the bootstrap script, then start the dev server with npm start.

## Searching documents

Documents are chunked, embedded and stored in IndexedDB. Search combines BM25 with dense vectors.
`;

describe('RagService with IndexedDB', () => {
  it('ingests a Markdown document and finds its chunks with title, offsets and heading path', async () => {
    const rag = newService();
    const collection = await rag.createCollection({ name: 'docs' });
    const result = await rag.ingest({
      collectionId: collection.id,
      content: guide,
      title: 'guide.md',
      mimeType: 'text/markdown',
    });
    expect(result.deduplicated).toBe(false);
    expect(result.chunkCount).toBeGreaterThan(0);
    for (const mode of ['dense', 'lexical', 'hybrid'] as const) {
      const [top] = await rag.search({ query: 'bootstrap script dev server', mode });
      expect(top?.title).toBe('guide.md');
      expect(top?.text).toContain('bootstrap script');
      expect(guide.slice(top!.start, top!.end)).toBe(top!.text);
      expect(top?.headingPath).toEqual(['Hearth guide', 'Installing']);
    }
  });
});

describe('ingest: dedupe, update, delete', () => {
  it('does not store the same content twice in a collection', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'docs' });
    const first = await rag.ingest({ collectionId: id, content: guide, title: 'a.md' });
    const second = await rag.ingest({ collectionId: id, content: guide, title: 'b.md' });
    expect(second).toEqual({
      documentId: first.documentId,
      deduplicated: true,
      chunkCount: first.chunkCount,
    });
    expect(await rag.listDocuments(id)).toHaveLength(1);
  });

  it('updates a document atomically (old text gone, new text found, same id) and deletes it', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'docs' });
    const { documentId } = await rag.ingest({
      collectionId: id,
      content: 'apples grow on trees',
      title: 'fruit.txt',
    });
    const { jobId } = await rag.updateDocument(documentId, {
      content: 'bananas grow in bunches',
      title: 'fruit.txt',
    });
    await rag.waitForJob(jobId);
    expect(await rag.search({ query: 'apples', mode: 'lexical' })).toEqual([]);
    const [hit] = await rag.search({ query: 'bananas', mode: 'lexical' });
    expect(hit?.documentId).toBe(documentId);
    await rag.deleteDocument(documentId);
    expect(await rag.search({ query: 'bananas', mode: 'hybrid' })).toEqual([]);
    expect(await rag.listDocuments(id)).toEqual([]);
  });
});

describe('filters, MMR and precision', () => {
  it('applies collection, document, tag and date filters before ranking', async () => {
    const rag = newService();
    const a = await rag.createCollection({ name: 'a' });
    const b = await rag.createCollection({ name: 'b' });
    const old = await rag.ingest({
      collectionId: a.id,
      content: 'solar panels on the roof',
      tags: ['energy'],
      date: 1000,
    });
    const recent = await rag.ingest({
      collectionId: a.id,
      content: 'solar power at night with batteries',
      tags: ['storage'],
      date: 5000,
    });
    const other = await rag.ingest({
      collectionId: b.id,
      content: 'solar eclipse viewing guide',
      date: 3000,
    });
    const ids = async (request: Parameters<RagService['search']>[0]) =>
      (await rag.search({ query: 'solar', ...request })).map((hit) => hit.documentId).sort();
    expect(await ids({})).toEqual([old.documentId, recent.documentId, other.documentId].sort());
    expect(await ids({ collectionIds: [b.id] })).toEqual([other.documentId]);
    expect(await ids({ tags: ['storage'] })).toEqual([recent.documentId]);
    expect(await ids({ documentIds: [old.documentId] })).toEqual([old.documentId]);
    expect(await ids({ dateFrom: 2000, dateTo: 4000 })).toEqual([other.documentId]);
    expect(await ids({ dateFrom: 2000, mode: 'dense', k: 1, tags: ['energy'] })).toEqual([]);
  });

  it('MMR skips a near-duplicate in favour of a different relevant chunk', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'mmr' });
    await rag.ingest({ collectionId: id, content: 'rust memory safety borrow checker ownership' });
    await rag.ingest({ collectionId: id, content: 'rust memory safety borrow checker ownership rules' });
    await rag.ingest({ collectionId: id, content: 'rust compiler speed and memory' });
    const plain = await rag.search({ query: 'rust memory safety', mode: 'dense', k: 2 });
    const diverse = await rag.search({
      query: 'rust memory safety',
      mode: 'dense',
      k: 2,
      mmr: { lambda: 0.3 },
    });
    expect(plain.map((hit) => hit.text).join()).toContain('ownership rules');
    expect(diverse.map((hit) => hit.text)).toContain('rust compiler speed and memory');
  });

  it('int8 and float modes agree on the best chunk', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'p' });
    for (let i = 0; i < 20; i++)
      await rag.ingest({ collectionId: id, content: `note ${i} about topic${i} and topic${(i * 7) % 20}` });
    for (let i = 0; i < 20; i++) {
      const [int8] = await rag.search({ query: `topic${i}`, mode: 'dense', precision: 'int8', k: 1 });
      const [exact] = await rag.search({ query: `topic${i}`, mode: 'dense', precision: 'float', k: 1 });
      expect(int8?.documentId).toBe(exact?.documentId);
      // int8 mode re-ranks in float64 (JS dot of the float32 rows, one rounding to float32); float mode sums
      // 64 products in 16 float32 SIMD lanes, 4 deep, then 4 adds join the lanes: ≤ γ_9 ≈ 5.4e-7 on unit
      // vectors (Σ|q_i v_i| ≤ 1). Both are WebAssembly/JS arithmetic, bit for bit the same on every CPU;
      // toBeCloseTo(…, 5) allows 5e-6.
      expect(int8?.score).toBeCloseTo(exact!.score, 5);
    }
  });
});

describe('loading and sharing', () => {
  it('searches that arrive while a collection loads wait for it and agree', async () => {
    const writer = newService();
    const { id } = await writer.createCollection({ name: 'c' });
    for (let i = 0; i < 30; i++)
      await writer.ingest({ collectionId: id, content: `entry ${i} mentions lantern${i % 5}` });
    await writer.close();
    const reader = newService();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => reader.search({ query: 'lantern3', mode: 'hybrid', k: 6 })),
    );
    expect(results[0]).toHaveLength(6);
    for (const result of results) expect(result).toEqual(results[0]);
  });

  it('a second store on the same database hears about changes and sees them', async () => {
    const a = newService();
    const b = newService();
    const { id } = await a.createCollection({ name: 'shared' });
    expect(await b.search({ query: 'comet' })).toEqual([]);
    const events = b.events()[Symbol.asyncIterator]();
    const { documentId } = await a.ingest({ collectionId: id, content: 'a comet crossed the sky' });
    let event = (await events.next()).value;
    while (event?.type !== 'documents') event = (await events.next()).value;
    expect(event).toMatchObject({ type: 'documents', collectionId: id, documentIds: [documentId] });
    expect((await b.search({ query: 'comet' }))[0]?.documentId).toBe(documentId);
    await events.return?.();
  });
});

describe('collections', () => {
  it('deleting a collection removes its documents and rows and nothing else', async () => {
    const rag = newService();
    const keep = await rag.createCollection({ name: 'keep' });
    const drop = await rag.createCollection({ name: 'drop' });
    await rag.ingest({ collectionId: keep.id, content: 'kept text about otters' });
    await rag.ingest({ collectionId: drop.id, content: guide, mimeType: 'text/markdown' });
    expect((await rag.search({ query: 'bootstrap' })).length).toBeGreaterThan(0);
    await rag.deleteCollection(drop.id);
    expect((await rag.listCollections()).map((c) => c.name)).toEqual(['keep']);
    expect(await rag.search({ query: 'bootstrap', mode: 'lexical' })).toEqual([]);
    expect((await rag.search({ query: 'otters' }))[0]?.collectionId).toBe(keep.id);
    const { openDB } = await import('idb');
    const db = await openDB(databaseName());
    expect(await db.count('chunks')).toBe(1);
    expect(await db.count('vectorBlocks')).toBe(1);
    db.close();
  });
});
