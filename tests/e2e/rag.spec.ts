import { expect, test, type Page } from '@playwright/test';
import type { RagEvent } from '../../src/rag/events.ts';
import type { SearchResult } from '../../src/rag/search/request.ts';
import type { CollectionRecord, DocumentRecord } from '../../src/rag/types.ts';
import type { PersistenceReport } from '../../src/index.ts';

type Settled<T> = { value: T | null; error: { code?: string; message: string } | null };
declare const harness: {
  persistence: PersistenceReport;
  events: RagEvent[];
  progress: { loaded: number; total: number; phase: string };
  createCollection(name: string): Promise<CollectionRecord>;
  ingest(input: Record<string, unknown>): Promise<Settled<{ documentId: string; chunkCount: number }>>;
  ingestHuge(
    collectionId: string,
    megabytes: number,
  ): Promise<Settled<{ documentId: string; chunkCount: number; bytes: number }>>;
  ingestLong(collectionId: string, paragraphs: number): Promise<Settled<{ documentId: string }>>;
  startLong(collectionId: string, paragraphs: number): void;
  search(request: Record<string, unknown>): Promise<Settled<SearchResult[]>>;
  ingestUrl(collectionId: string, url: string, title: string): Promise<Settled<{ chunkCount: number }>>;
  countTokens(texts: string[]): Promise<number[]>;
  embedderInfo(): Promise<{ modelId: string; maxTokens: number }>;
  reembed(collectionId: string): Promise<Settled<null>>;
  listDocuments(collectionId: string): Promise<DocumentRecord[]>;
  deleteDocument(id: string): Promise<void>;
  jobs(): Promise<{ state: string; documentId: string | null; attempts: number }[]>;
  resume(): Promise<void>;
  idle(): Promise<void>;
  exportCollection(collectionId: string): Promise<number>;
  importExported(name: string): Promise<CollectionRecord>;
  rawCounts(): Promise<Record<string, number>>;
  upgradeDatabase(): Promise<number>;
};

let db = '';
// Playwright requires a destructuring pattern for the fixtures, even when none are used.
// eslint-disable-next-line no-empty-pattern
test.beforeEach(({}, testInfo) => {
  db = `rag-e2e-${testInfo.testId}-${Date.now()}`;
});
/** Opens the RAG harness on this test's own database (openHarness's wait, with a query string). */
async function openRag(page: Page, query = '') {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`/tests/e2e/pages/rag.html?db=${db}${query}`);
  await page
    .waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 60_000 })
    .catch((error: Error) => {
      throw new Error(`rag harness did not start: ${errors.join('; ') || error.message}`);
    });
}

const notes =
  '# Garden\n\nTomatoes need full sun and deep watering.\n\n## Pests\n\nAphids gather under basil leaves.';

test('documents persist across a reload, with citations', async ({ page }) => {
  await openRag(page);
  const collection = await page.evaluate(() => harness.createCollection('garden'));
  const ingested = await page.evaluate(
    ([id, content]) =>
      harness.ingest({ collectionId: id, content, title: 'garden.md', mimeType: 'text/markdown' }),
    [collection.id, notes] as const,
  );
  expect(ingested.error).toBeNull();
  await page.reload();
  await page.waitForFunction(() => 'harness' in globalThis);
  const { value: hits } = await page.evaluate(() => harness.search({ query: 'aphids basil', k: 1 }));
  expect(hits![0]).toMatchObject({ title: 'garden.md', headingPath: ['Garden', 'Pests'] });
  expect(hits![0]!.text).toContain('Aphids gather under basil leaves.');
  expect(notes.slice(hits![0]!.start, hits![0]!.end)).toBe(hits![0]!.text);
  const persistence = await page.evaluate(() => harness.persistence);
  expect(typeof persistence.persisted).toBe('boolean');
  if (!persistence.persisted) expect(persistence.warning).toContain('evict');
});

test('a page closed mid-ingest leaves no partial document; the queue resumes on reopen', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const first = await context.newPage();
  await openRag(first, '&slowEmbedMs=15');
  const collection = await first.evaluate(() => harness.createCollection('crash'));
  await first.evaluate((id) => harness.startLong(id, 4000), collection.id);
  // Wait until at least one block is staged, then kill the page.
  await first.waitForFunction(() => harness.progress.loaded > 0, undefined, { timeout: 60_000 });
  await first.close();

  const second = await context.newPage();
  await openRag(second, '&resume=0');
  const raw = await second.evaluate(() => harness.rawCounts());
  expect(raw.chunks).toBeGreaterThan(0); // staged rows are there...
  expect(await second.evaluate((id) => harness.listDocuments(id), collection.id)).toEqual([]); // ...but no document
  expect((await second.evaluate(() => harness.search({ query: 'item3 paragraph' }))).value).toEqual([]);
  const jobs = await second.evaluate(() => harness.jobs());
  expect(jobs).toHaveLength(1);
  expect(jobs[0]).toMatchObject({ state: 'running', attempts: 1 }); // reported: interrupted

  await second.evaluate(() => harness.resume());
  await second.evaluate(() => harness.idle());
  const documents = await second.evaluate((id) => harness.listDocuments(id), collection.id);
  expect(documents).toHaveLength(1);
  expect(documents[0]).toMatchObject({ status: 'ready', title: 'long.txt' });
  const { value: hits } = await second.evaluate(() =>
    harness.search({ query: 'item3900', mode: 'lexical', k: 1 }),
  );
  expect(hits![0]!.text).toContain('item3900');
  expect((await second.evaluate(() => harness.rawCounts())).chunks).toBe(documents[0]!.chunkCount);
  await context.close();
});

test('two tabs see each other’s changes; an old tab steps aside for an upgrade', async ({ browser }) => {
  const context = await browser.newContext();
  const a = await context.newPage();
  const b = await context.newPage();
  await openRag(a);
  await openRag(b);
  const collection = await a.evaluate(() => harness.createCollection('shared'));
  const { value } = await a.evaluate(
    (id) => harness.ingest({ collectionId: id, content: 'Lanterns were lit at dusk.', title: 'l.txt' }),
    collection.id,
  );
  await b
    .waitForFunction(
      (id) => harness.events.some((e) => e.type === 'documents' && e.documentIds.includes(id)),
      value!.documentId,
      { timeout: 15_000 },
    )
    .catch(async (error) => {
      console.log(
        'tab b events',
        JSON.stringify(await b.evaluate(() => harness.events)),
        'tab a',
        JSON.stringify(await a.evaluate(() => harness.events)),
      );
      throw error;
    });
  expect((await b.evaluate(() => harness.search({ query: 'lanterns dusk' }))).value![0]!.title).toBe('l.txt');
  await b.evaluate((id) => harness.deleteDocument(id), value!.documentId);
  await a.waitForFunction(() => harness.events.filter((e) => e.type === 'documents').length >= 2);
  expect((await a.evaluate(() => harness.search({ query: 'lanterns dusk' }))).value).toEqual([]);

  // A newer version opening the database is not blocked by these tabs; they are told to reload.
  await a.evaluate(() => harness.upgradeDatabase());
  await b.waitForFunction(() => harness.events.some((e) => e.type === 'outdated'));
  const refused = await b.evaluate(() => harness.search({ query: 'x' }));
  expect(refused.error?.code).toBe('RAG_STORE_OUTDATED');
  await context.close();
});

test('export and import round trip gives identical search results', async ({ page }) => {
  await openRag(page);
  const collection = await page.evaluate(() => harness.createCollection('orig'));
  await page.evaluate((id) => harness.ingestLong(id, 300), collection.id);
  await page.evaluate(
    ([id, content]) => harness.ingest({ collectionId: id, content, title: 'garden.md', tags: ['home'] }),
    [collection.id, notes] as const,
  );
  expect(await page.evaluate((id) => harness.exportCollection(id), collection.id)).toBeGreaterThan(1000);
  const copy = await page.evaluate(() => harness.importExported('copy'));
  for (const query of ['item42', 'tomatoes sun', 'talks about nothing']) {
    for (const mode of ['dense', 'lexical', 'hybrid']) {
      const [a, b] = await page.evaluate(
        async ([q, m, x, y]) => [
          (await harness.search({ query: q, mode: m, collectionIds: [x] })).value!,
          (await harness.search({ query: q, mode: m, collectionIds: [y] })).value!,
        ],
        [query, mode, collection.id, copy.id] as const,
      );
      expect(a.length).toBeGreaterThan(0);
      const strip = (hits: SearchResult[]) =>
        hits.map(({ documentId: _d, collectionId: _c, ...rest }) => rest);
      expect(strip(b)).toEqual(strip(a));
    }
  }
});

test('a store written by the previous schema version is upgraded and stays searchable', async ({ page }) => {
  await openRag(page, '&v1=1');
  const { value: hits, error } = await page.evaluate(() =>
    harness.search({ query: 'lighthouse weather', k: 1 }),
  );
  expect(error).toBeNull();
  expect(hits![0]).toMatchObject({ documentId: 'd1', title: 'log.txt' });
  const documents = await page.evaluate(() => harness.listDocuments('c1'));
  expect(documents[0]).toMatchObject({ status: 'ready', tags: [] });
  expect((await page.evaluate(() => harness.rawCounts())).ingestJobs).toBe(0);
});

test('bad input is refused with clear errors and the store stays consistent', async ({ page }) => {
  await openRag(page);
  const collection = await page.evaluate(() => harness.createCollection('bad'));
  const codes = await page.evaluate(async (id) => {
    const junk = new Blob([Uint8Array.from({ length: 8192 }, (_, i) => (i * 7919) % 256)], {
      type: 'text/plain',
    });
    const badUtf8 = new Blob([new Uint8Array([0x61, 0xc3, 0x28, 0xff])], { type: 'text/plain' });
    const results = [
      await harness.ingest({ collectionId: id, content: '' }),
      await harness.ingest({ collectionId: id, content: junk }),
      await harness.ingest({ collectionId: id, content: badUtf8 }),
    ];
    return results.map((result) => result.error?.code);
  }, collection.id);
  expect(codes).toEqual(['RAG_EMPTY_DOCUMENT', 'RAG_BINARY_CONTENT', 'RAG_INVALID_UTF8']);
  expect(await page.evaluate(() => harness.rawCounts())).toMatchObject({
    documents: 0,
    chunks: 0,
    vectorBlocks: 0,
    ingestJobs: 0,
  });
});

test('a 50 MB document is ingested as a stream; one over the cap is refused', async ({ page }) => {
  test.setTimeout(300_000);
  await openRag(page, '&maxMb=56&chunkTokens=256');
  const collection = await page.evaluate(() => harness.createCollection('huge'));
  const refused = await page.evaluate((id) => harness.ingestHuge(id, 60), collection.id);
  expect(refused.error?.code).toBe('RAG_DOCUMENT_TOO_LARGE');
  expect(refused.error?.message).toContain('56.0 MB');
  const huge = await page.evaluate((id) => harness.ingestHuge(id, 50), collection.id);
  expect(huge.error).toBeNull();
  expect(huge.value!.bytes).toBeGreaterThan(50 * 1000 * 1000);
  expect(huge.value!.chunkCount).toBeGreaterThan(10_000);
  const { value: hits } = await page.evaluate(() =>
    harness.search({ query: 'zanzibar marker', mode: 'lexical', k: 1 }),
  );
  expect(hits![0]!.text).toContain('The zanzibar marker sentence');
  expect(hits![0]!.start).toBeGreaterThan(48 * 1024 * 1024);
  expect(await page.evaluate(() => harness.jobs())).toEqual([]);
});

test('with the real embedding model: chunks fit its tokenizer, search finds them; another model is refused until re-embedding', async ({
  page,
}) => {
  await openRag(page, '&embedder=real&chunkTokens=48');
  const collection = await page.evaluate(() => harness.createCollection('real'));
  const ingested = await page.evaluate(
    (id) => harness.ingestUrl(id, '/tests/fixtures/corpus/hearth.txt', 'hearth.txt'),
    collection.id,
  );
  expect(ingested.error).toBeNull();
  expect(ingested.value!.chunkCount).toBeGreaterThan(3);
  const { value: sample } = await page.evaluate(() =>
    harness.search({ query: 'hearth', mode: 'lexical', k: 5 }),
  );
  const texts = sample!.map((hit) => hit.text);
  const counts = await page.evaluate((t) => harness.countTokens(t), texts);
  counts.forEach((count) => expect(count).toBeLessThanOrEqual(48));
  for (const text of texts) {
    // A chunk's own text, embedded as a query, finds that chunk first.
    const { value: hits } = await page.evaluate(
      (q) => harness.search({ query: q, mode: 'dense', k: 1, precision: 'float' }),
      text,
    );
    expect(hits![0]!.text).toBe(text);
  }

  // The same store opened with another embedder (the hashed stand-in) is refused, then re-embedded.
  await openRag(page);
  const refused = await page.evaluate(() => harness.search({ query: 'hearth' }));
  expect(refused.error?.code).toBe('RAG_MODEL_MISMATCH');
  expect(refused.error?.message).toContain('hearth-demo/tiny-embed');
  expect((await page.evaluate((id) => harness.reembed(id), collection.id)).error).toBeNull();
  const { value: after, error } = await page.evaluate(
    (q) => harness.search({ query: q, mode: 'dense', k: 1, precision: 'float' }),
    texts[0]!,
  );
  expect(error).toBeNull();
  expect(after![0]!.text).toBe(texts[0]);
});
