import { expect, test } from '@playwright/test';
import type { SearchResult } from '../../src/rag/search/request.ts';
import type { CollectionRecord, DocumentRecord } from '../../src/rag/types.ts';

type Settled<T> = { value: T | null; error: { code?: string; message: string } | null };
declare const harness: {
  createCollection(name: string): Promise<CollectionRecord>;
  ingestUrl(collectionId: string, url: string, title: string): Promise<Settled<{ chunkCount: number }>>;
  search(request: Record<string, unknown>): Promise<Settled<SearchResult[]>>;
  listDocuments(collectionId: string): Promise<DocumentRecord[]>;
  jobs(): Promise<unknown[]>;
};

// PDFs through the real RAG worker (pdfjs in its own nested worker) and the bundled demo embedder.
test('a PDF is searchable with its page; pdfjs loads only for it; an encrypted PDF is refused with its code', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // Dedicated workers' fetches are reported on the page too: this is how pdfjs is seen to load late.
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(request.url()));
  await page.goto(`/tests/e2e/pages/rag.html?db=rag-pdf-${Date.now()}&embedder=real&chunkTokens=64`);
  await page
    .waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 60_000 })
    .catch((error: Error) => {
      throw new Error(`rag harness did not start: ${errors.join('; ') || error.message}`);
    });
  const collection = await page.evaluate(() => harness.createCollection('pdfs'));

  const text = await page.evaluate(
    (id) => harness.ingestUrl(id, '/tests/fixtures/corpus/hearth.txt', 'hearth.txt'),
    collection.id,
  );
  expect(text.error).toBeNull();
  expect(fetched.filter((url) => url.includes('pdfjs-dist'))).toEqual([]);

  const pdf = await page.evaluate(
    (id) => harness.ingestUrl(id, '/tests/fixtures/pdf/guide.pdf', 'guide.pdf'),
    collection.id,
  );
  expect(pdf.error).toBeNull();
  expect(pdf.value!.chunkCount).toBeGreaterThanOrEqual(3);
  expect(fetched.some((url) => url.includes('pdfjs-dist/legacy/build/pdf.mjs'))).toBe(true);
  expect(fetched.some((url) => url.includes('pdf.worker.min.mjs'))).toBe(true);

  const { value: hits, error } = await page.evaluate(() =>
    harness.search({ query: 'lighthouse keeper archives snapshots', mode: 'hybrid', k: 3 }),
  );
  expect(error).toBeNull();
  expect(hits![0]).toMatchObject({
    title: 'guide.pdf',
    page: 3,
    pageEnd: 3,
    headingPath: ['Hearth field guide', 'Backing up'],
  });
  expect(hits![0]!.text).toContain('the lighthouse keeper archives these snapshots weekly.');
  const documents = await page.evaluate((id) => harness.listDocuments(id), collection.id);
  const guide = documents.find((document) => document.title === 'guide.pdf')!;
  expect(guide.mimeType).toBe('application/pdf');
  expect(guide.pageStarts).toHaveLength(3);

  const encrypted = await page.evaluate(
    (id) => harness.ingestUrl(id, '/tests/fixtures/pdf/encrypted.pdf', 'encrypted.pdf'),
    collection.id,
  );
  expect(encrypted.error?.code).toBe('RAG_PDF_ENCRYPTED');
  expect(encrypted.error?.message).toContain('password');
  const scanned = await page.evaluate(
    (id) => harness.ingestUrl(id, '/tests/fixtures/pdf/scanned.pdf', 'scanned.pdf'),
    collection.id,
  );
  expect(scanned.error?.code).toBe('RAG_PDF_NO_TEXT');
  expect(await page.evaluate(() => harness.jobs())).toEqual([]);
  expect(errors).toEqual([]);
});
