import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthError } from '../../../src/core/errors.ts';
import type { RagEvent } from '../../../src/rag/events.ts';
import { SCHEMA_VERSION } from '../../../src/rag/store/schema.ts';
import { RagService } from '../../../src/rag/service.ts';
import { HashedEmbedder } from './hashed-embedder.ts';
import { writeVersion1Store } from './version1-store.ts';

let counter = 0;
const databaseName = () => `rag-schema-${process.pid}-${counter}`;
const open: RagService[] = [];
afterEach(async () => {
  while (open.length) await open.pop()!.close();
  counter++;
});

describe('schema versions', () => {
  it('migrates a version-1 store: its documents stay searchable and gain the new fields', async () => {
    const embedder = new HashedEmbedder();
    await writeVersion1Store(databaseName(), embedder);
    const rag = new RagService(embedder, { databaseName: databaseName() });
    open.push(rag);
    const [hit] = await rag.search({ query: 'storms autumn', mode: 'hybrid', k: 1 });
    expect(hit).toMatchObject({
      documentId: 'd1',
      title: 'log.txt',
      text: 'storms arrive from the west in autumn',
    });
    const [document] = await rag.listDocuments('c1');
    expect(document).toMatchObject({
      status: 'ready',
      tags: [],
      date: 1,
      stagingRevision: null,
      model: { modelId: embedder.modelId },
    });
    expect(await rag.jobs()).toEqual([]); // the queue store exists now
    const raw = await openDB(databaseName());
    expect(raw.version).toBe(SCHEMA_VERSION);
    raw.close();
  });

  it('a tab holding the store steps aside for a newer version and says to reload', async () => {
    const rag = new RagService(new HashedEmbedder(), { databaseName: databaseName() });
    open.push(rag);
    await rag.createCollection({ name: 'c' });
    const events = rag.events()[Symbol.asyncIterator]();
    const next = events.next();
    // A newer Hearth opens the database at the next version: it must not be blocked.
    const newer = await openDB(databaseName(), SCHEMA_VERSION + 1);
    newer.close();
    const event = (await next).value as RagEvent;
    expect(event).toMatchObject({ type: 'outdated', code: 'RAG_STORE_OUTDATED' });
    const error = await rag.listCollections().catch((e: HearthError) => e);
    expect((error as HearthError).code).toBe('RAG_STORE_OUTDATED');
    expect((error as HearthError).message).toContain('Reload');
    await events.return?.();
  });
});

describe('HTML ingest', () => {
  it('indexes the text of an HTML page without its scripts or styles, with its <title>', async () => {
    const rag = new RagService(new HashedEmbedder(), { databaseName: databaseName() });
    open.push(rag);
    const { id } = await rag.createCollection({ name: 'web' });
    const html =
      '<html><head><title>Tide tables</title><script>secretToken()</script><style>.x{}</style></head><body><h1>Tides</h1><p>High tide at noon.</p></body></html>';
    await rag.ingest({ collectionId: id, content: new Blob([html], { type: 'text/html' }) });
    expect(await rag.search({ query: 'secretToken', mode: 'lexical' })).toEqual([]);
    const [hit] = await rag.search({ query: 'high tide', mode: 'lexical' });
    expect(hit).toMatchObject({ title: 'Tide tables', headingPath: ['Tides'] });
    expect(hit?.text).toContain('High tide at noon.');
  });
});
