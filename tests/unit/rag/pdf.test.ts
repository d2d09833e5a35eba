import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import type { HearthError } from '../../../src/core/errors.ts';
import type { Progress } from '../../../src/core/progress.ts';
import type { TextBlock } from '../../../src/rag/ingest/blocks.ts';
import { PageMap, pdfBlocks } from '../../../src/rag/ingest/pdf/index.ts';
import { toLines, toParagraphs, type PdfTextItem } from '../../../src/rag/ingest/pdf/page-layout.ts';
import { RagService, type RagServiceOptions } from '../../../src/rag/service.ts';
import { HashedEmbedder } from './hashed-embedder.ts';

/** The fixtures of tests/fixtures/make_pdfs.mjs. */
const fixture = (name: string) =>
  new File([readFileSync(new URL(`../../fixtures/pdf/${name}`, import.meta.url))], name);

const open: RagService[] = [];
let counter = 0;
const databaseName = () => `rag-pdf-${process.pid}-${counter}`;
function newService(options: RagServiceOptions = {}) {
  const service = new RagService(new HashedEmbedder(), { databaseName: databaseName(), ...options });
  open.push(service);
  return service;
}
afterEach(async () => {
  while (open.length) await open.pop()!.close();
  counter++;
});

async function errorOf(promise: Promise<unknown>): Promise<HearthError> {
  try {
    await promise;
  } catch (error) {
    return error as HearthError;
  }
  throw new Error('expected a rejection');
}

async function rowCounts() {
  const db = await openDB(databaseName());
  const counts: Record<string, number> = {};
  for (const store of ['documents', 'chunks', 'vectorBlocks', 'postingBlocks'])
    counts[store] = await db.count(store);
  db.close();
  return counts;
}

async function collect(content: Blob, pages: PageMap, options: Parameters<typeof pdfBlocks>[2] = {}) {
  const blocks: TextBlock[] = [];
  for await (const block of pdfBlocks(content, pages, options)) blocks.push(block);
  return blocks;
}

/** The extracted text the blocks stand for: each block's gap, then the block. */
const textOf = (blocks: TextBlock[]) => blocks.map((block) => block.gapBefore + block.text).join('');

const item = (str: string, x: number, y: number, size: number, hasEOL = false): PdfTextItem => ({
  str,
  transform: [size, 0, 0, size, x, y],
  // Helvetica averages about half an em per character.
  width: str.length * size * 0.5,
  hasEOL,
});

describe('page layout', () => {
  it('joins runs of one baseline, spacing them only across a gap, and splits lines at baselines and EOLs', () => {
    const lines = toLines([
      item('Hello', 72, 700, 11),
      // Directly after "Hello" (72 + 27.5): the same word continues, no space.
      item('world', 99.5, 700, 11),
      item('again', 140, 700.5, 11, true),
      item('next line', 72, 686, 11),
      item('', 72, 686, 11, true),
      item('after EOL', 72, 686, 11),
    ]);
    expect(lines.map((line) => line.text)).toEqual(['Helloworld again', 'next line', 'after EOL']);
  });

  it('makes larger lines headings (two levels) and wide baseline gaps paragraph breaks', () => {
    const paragraphs = toParagraphs([
      { text: 'Title', y: 720, size: 20 },
      { text: 'Section', y: 690, size: 14 },
      { text: 'first line', y: 670, size: 11 },
      { text: 'second line', y: 656, size: 11 },
      { text: 'new paragraph', y: 628, size: 11 },
    ]);
    expect(paragraphs).toEqual([
      { kind: 'heading', level: 1, text: 'Title' },
      { kind: 'heading', level: 2, text: 'Section' },
      { kind: 'paragraph', level: 0, text: 'first line\nsecond line' },
      { kind: 'paragraph', level: 0, text: 'new paragraph' },
    ]);
  });
});

describe('PDF text extraction', () => {
  it('reads each page into headings and paragraphs whose offsets point into the extracted text', async () => {
    const pages = new PageMap();
    const blocks = await collect(fixture('guide.pdf'), pages);
    const text = textOf(blocks);
    for (const block of blocks) expect(text.slice(block.start, block.end)).toBe(block.text);
    expect(pages.pageCount).toBe(3);
    expect(pages.starts[0]).toBe(0);
    // Pages are separated by a form feed on its own line.
    for (const start of pages.starts.slice(1)) expect(text.slice(start - 3, start)).toBe('\n\f\n');
    expect(text.split('\f')).toHaveLength(3);
    expect(blocks.filter((block) => block.kind === 'heading').map((b) => [b.level, b.title])).toEqual([
      [1, 'Hearth field guide'],
      [2, 'Installing'],
      [2, 'Backing up'],
    ]);
    const backup = blocks.find((block) => block.text.includes('lighthouse keeper'))!;
    expect(backup.text).toBe(
      'Export a collection as one NDJSON file to keep a copy of your\ndocuments; the lighthouse keeper archives these snapshots weekly.',
    );
    expect(pages.pageAt(backup.start)).toBe(3);
    expect(pages.pageAt(0)).toBe(1);
    expect(pages.pageAt(pages.starts[1]! - 1)).toBe(1);
    expect(pages.pageAt(pages.starts[1]!)).toBe(2);
  });

  it('reports progress per page and stops between pages when cancelled', async () => {
    const controller = new AbortController();
    const progress: Progress[] = [];
    const pages = new PageMap();
    const error = await errorOf(
      collect(fixture('guide.pdf'), pages, {
        signal: controller.signal,
        file: 'guide.pdf',
        onProgress: (event) => {
          progress.push(event);
          if (event.loaded === 2) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('ABORTED');
    expect(progress).toEqual([
      { phase: 'reading', file: 'guide.pdf', loaded: 1, total: 3 },
      { phase: 'reading', file: 'guide.pdf', loaded: 2, total: 3 },
    ]);
    // Page 3 was never read.
    expect(pages.starts).toHaveLength(2);
  });

  it.each([
    ['scanned.pdf', 'RAG_PDF_NO_TEXT', /no text layer.*OCR/s],
    ['encrypted.pdf', 'RAG_PDF_ENCRYPTED', /password/],
    ['malformed.pdf', 'RAG_PDF_MALFORMED', /damaged or not really a PDF/],
  ])('refuses %s with %s', async (name, code, words) => {
    const error = await errorOf(collect(fixture(name), new PageMap()));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(words);
  });

  it('reads a PDF that has only an owner password (restrictions, no password to open it)', async () => {
    const blocks = await collect(fixture('owner-only.pdf'), new PageMap());
    expect(textOf(blocks)).toBe(textOf(await collect(fixture('guide.pdf'), new PageMap())));
  });

  it('refuses a PDF over the page cap before reading its pages', async () => {
    const pages = new PageMap();
    const error = await errorOf(collect(fixture('guide.pdf'), pages, { maxPages: 2 }));
    expect(error.code).toBe('RAG_PDF_TOO_MANY_PAGES');
    expect(error.message).toContain('3 pages');
    expect(error.message).toContain('maxPdfPages');
    expect(pages.starts).toEqual([]);
  });
});

describe('PDF ingest through the RAG service', () => {
  it('finds a passage with its page, heading path and offsets into the extracted text', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'pdfs' });
    const progress: Progress[] = [];
    const result = await rag.ingest(
      { collectionId: id, content: fixture('guide.pdf') },
      { onProgress: (event) => progress.push(event) },
    );
    expect(result.deduplicated).toBe(false);
    const extracted = textOf(await collect(fixture('guide.pdf'), new PageMap()));
    for (const mode of ['lexical', 'hybrid'] as const) {
      const [top] = await rag.search({ query: 'lighthouse keeper snapshots', mode, k: 3 });
      expect(top).toMatchObject({ title: 'guide.pdf', page: 3, pageEnd: 3 });
      expect(top!.headingPath).toEqual(['Hearth field guide', 'Backing up']);
      expect(top!.text).toContain('the lighthouse keeper archives these snapshots weekly.');
      expect(extracted.slice(top!.start, top!.end)).toBe(top!.text);
    }
    const [install] = await rag.search({ query: 'bootstrap script', mode: 'lexical', k: 1 });
    expect(install).toMatchObject({ page: 2, headingPath: ['Hearth field guide', 'Installing'] });
    const [document] = await rag.listDocuments(id);
    expect(document).toMatchObject({ mimeType: 'application/pdf', chunkCount: result.chunkCount });
    expect(document!.pageStarts).toEqual([
      0,
      extracted.indexOf('Installing'),
      extracted.indexOf('Backing up'),
    ]);
    expect(progress.filter((event) => event.phase === 'reading').map((event) => event.loaded)).toEqual([
      1, 2, 3,
    ]);
    const embedding = progress.filter((event) => event.phase === 'embedding');
    expect(embedding.at(-1)).toMatchObject({ loaded: 3, total: 3 });
  });

  it('keeps pages and page starts through export and import', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'pdfs' });
    await rag.ingest({ collectionId: id, content: fixture('guide.pdf') });
    const [original] = await rag.listDocuments(id);
    const imported = await rag.importCollection(await rag.exportCollection(id), { name: 'copy' });
    const [copy] = await rag.listDocuments(imported.id);
    expect(copy).toMatchObject({ mimeType: 'application/pdf', pageStarts: original!.pageStarts });
    const [hit] = await rag.search({
      query: 'lighthouse keeper',
      mode: 'lexical',
      collectionIds: [imported.id],
    });
    expect(hit).toMatchObject({ collectionId: imported.id, page: 3, pageEnd: 3 });
  });

  it('gives text documents no page fields', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'notes' });
    await rag.ingest({ collectionId: id, content: '# Notes\n\nThe lighthouse keeper.', title: 'n.md' });
    const [hit] = await rag.search({ query: 'lighthouse', mode: 'lexical' });
    expect(hit).toBeDefined();
    expect('page' in hit!).toBe(false);
    expect((await rag.listDocuments(id))[0]!.pageStarts).toBeUndefined();
  });

  it.each([
    ['scanned.pdf', 'RAG_PDF_NO_TEXT', {}],
    ['encrypted.pdf', 'RAG_PDF_ENCRYPTED', {}],
    ['malformed.pdf', 'RAG_PDF_MALFORMED', {}],
    ['guide.pdf', 'RAG_PDF_TOO_MANY_PAGES', { maxPdfPages: 2 }],
    // guide.pdf is 2,073 bytes: over a 2,000-byte cap, refused before pdfjs sees it.
    ['guide.pdf', 'RAG_DOCUMENT_TOO_LARGE', { maxDocumentBytes: 2000 }],
    ['empty.pdf', 'RAG_EMPTY_DOCUMENT', {}],
  ] as const)('refuses %s with %s, leaving nothing stored or queued', async (name, code, options) => {
    const rag = newService(options);
    const { id } = await rag.createCollection({ name: 'pdfs' });
    const content = name === 'empty.pdf' ? new File([], name) : fixture(name);
    const error = await errorOf(rag.ingest({ collectionId: id, content }));
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(40);
    expect(await rowCounts()).toEqual({ documents: 0, chunks: 0, vectorBlocks: 0, postingBlocks: 0 });
    expect(await rag.jobs()).toEqual([]);
  });

  it('cancels an ingest between pages and keeps nothing of it', async () => {
    const rag = newService();
    const { id } = await rag.createCollection({ name: 'pdfs' });
    const controller = new AbortController();
    const error = await errorOf(
      rag.ingest(
        { collectionId: id, content: fixture('guide.pdf') },
        {
          signal: controller.signal,
          onProgress: (event) => {
            if (event.phase === 'reading' && event.loaded === 1) controller.abort();
          },
        },
      ),
    );
    expect(error.code).toBe('ABORTED');
    await rag.idle();
    expect(await rowCounts()).toEqual({ documents: 0, chunks: 0, vectorBlocks: 0, postingBlocks: 0 });
    expect(await rag.jobs()).toEqual([]);
  });
});
