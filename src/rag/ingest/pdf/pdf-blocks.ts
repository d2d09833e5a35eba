import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { HearthError, throwIfAborted } from '../../../core/errors.ts';
import type { ProgressListener } from '../../../core/progress.ts';
import type { TextBlock } from '../blocks.ts';
import { openPdf, toPdfError } from './open-pdf.ts';
import { toLines, toParagraphs } from './page-layout.ts';

/** Pages of one PDF that are ingested at most, unless the caller sets another limit. */
export const DEFAULT_MAX_PDF_PAGES = 2000;

/** Between blocks of a page, and between pages: a page break is kept as a form feed, as pdftotext does. */
const PARAGRAPH_BREAK = '\n\n';
const PAGE_BREAK = '\n\f\n';

export interface PdfBlocksOptions {
  maxPages?: number;
  signal?: AbortSignal;
  /** Told after each page: phase 'reading', loaded = pages read, total = the page count. */
  onProgress?: ProgressListener;
  /** The file name the progress events carry. */
  file?: string;
}

/**
 * Where each page starts in the text extracted from a PDF. Filled in as pages are read, so while
 * blocks are streaming it knows every page up to the latest block.
 */
export class PageMap {
  /** starts[i]: offset of page i + 1 in the extracted text. */
  readonly starts: number[] = [];
  pageCount = 0;

  /** The page (1-based) holding the character at `offset`. */
  pageAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }
}

/**
 * A PDF's text layer as blocks (headings and paragraphs) with their exact offsets in the extracted
 * text: each page's paragraphs separated by blank lines, pages by a form feed. Reads one page at a
 * time (cancellable between pages) and records where each page starts in `pages`. A PDF that yields
 * no text at all is a scan without OCR and is refused.
 */
export async function* pdfBlocks(
  content: Blob,
  pages: PageMap,
  options: PdfBlocksOptions = {},
): AsyncGenerator<TextBlock> {
  const { signal } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PDF_PAGES;
  const document = await openPdf(content, signal);
  try {
    if (document.numPages > maxPages) {
      throw new HearthError(
        'RAG_PDF_TOO_MANY_PAGES',
        `This PDF has ${document.numPages} pages; at most ${maxPages} pages are read from one PDF. Split it into smaller files (a PDF tool's "split" or "extract pages"), or raise the limit (maxPdfPages).`,
        { details: { pages: document.numPages, maxPages } },
      );
    }
    pages.pageCount = document.numPages;
    let offset = 0;
    let textFound = false;
    // The extracted text between the last block and the next one (a page without text adds its break).
    let pending = '';
    for (let number = 1; number <= document.numPages; number++) {
      throwIfAborted(signal);
      const items = await readPage(document, number);
      throwIfAborted(signal);
      if (number > 1) {
        pending += PAGE_BREAK;
        offset += PAGE_BREAK.length;
      }
      pages.starts.push(offset);
      const blocks: TextBlock[] = toParagraphs(toLines(items)).map((paragraph, i) => {
        if (i > 0) {
          pending += PARAGRAPH_BREAK;
          offset += PARAGRAPH_BREAK.length;
        }
        const block: TextBlock = {
          kind: paragraph.kind,
          level: paragraph.level,
          text: paragraph.text,
          start: offset,
          end: offset + paragraph.text.length,
          title: paragraph.kind === 'heading' ? paragraph.text : '',
          gapBefore: pending,
        };
        pending = '';
        offset = block.end;
        return block;
      });
      textFound ||= blocks.length > 0;
      options.onProgress?.({
        phase: 'reading',
        file: options.file,
        loaded: number,
        total: document.numPages,
      });
      yield* blocks;
    }
    if (!textFound) {
      throw new HearthError(
        'RAG_PDF_NO_TEXT',
        'This PDF has no text layer (it is scanned images), so there is nothing to search. Run it through OCR (for example ocrmypdf, or "Recognize text" in a PDF editor) and add the result.',
        { details: { pages: document.numPages } },
      );
    }
  } finally {
    void document.destroy();
  }
}

async function readPage(document: Awaited<ReturnType<typeof openPdf>>, number: number): Promise<TextItem[]> {
  try {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    page.cleanup();
    return content.items.filter((item): item is TextItem => 'str' in item);
  } catch (error) {
    throw toPdfError(error);
  }
}
