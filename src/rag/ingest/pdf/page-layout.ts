/** What pdfjs reports for one run of text on a page (the fields of its TextItem that layout needs). */
export interface PdfTextItem {
  str: string;
  /** [a, b, c, d, x, y]: the text matrix; its vertical scale is the font size, (x, y) the baseline start. */
  transform: number[];
  width: number;
  hasEOL: boolean;
}

/** One printed line of a page: its text, baseline and font size (points). */
export interface PdfLine {
  text: string;
  y: number;
  size: number;
}

/** A heading or paragraph of a page, before it is given its place in the document's text. */
export interface PdfParagraph {
  kind: 'heading' | 'paragraph';
  /** 1 or 2 for headings (by how much larger than the body text they are), 0 for paragraphs. */
  level: number;
  /** The lines, joined by '\n'. */
  text: string;
}

/** Lines whose baselines differ by less than this share of the font size are one line (sub/superscripts). */
const SAME_LINE = 0.5;
/** A horizontal gap wider than this share of the font size between two runs is a space. */
const WORD_GAP = 0.15;
/** A baseline gap wider than this multiple of the font size starts a new paragraph (body leading is ~1.2). */
const PARAGRAPH_GAP = 1.7;
/** Font size ratios to the page's body text from which a short line is a heading of level 1 and 2. */
const HEADING_RATIOS = [1.5, 1.15] as const;
const MAX_HEADING_CHARS = 160;

/** Groups a page's text runs (in content order, as pdfjs gives them) into lines. */
export function toLines(items: PdfTextItem[]): PdfLine[] {
  const lines: PdfLine[] = [];
  let current: { text: string; y: number; size: number; endX: number } | null = null;
  let breakAfter = false;
  for (const item of items) {
    const size = Math.hypot(item.transform[2] ?? 0, item.transform[3] ?? 0) || 1;
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    if (item.str !== '') {
      const sameLine =
        current && !breakAfter && Math.abs(current.y - y) < SAME_LINE * Math.max(size, current.size);
      if (current && sameLine) {
        const gap = x - current.endX;
        const spaced = /\s$/.test(current.text) || /^\s/.test(item.str);
        current.text += !spaced && gap > WORD_GAP * size ? ` ${item.str}` : item.str;
        current.size = Math.max(current.size, size);
        current.endX = x + item.width;
      } else {
        if (current) lines.push(current);
        current = { text: item.str, y, size, endX: x + item.width };
      }
      breakAfter = false;
    }
    if (item.hasEOL) breakAfter = true;
  }
  if (current) lines.push(current);
  return lines
    .map((line) => ({ text: line.text.replace(/\s+/gu, ' ').trim(), y: line.y, size: line.size }))
    .filter((line) => line.text !== '');
}

/**
 * Groups lines into headings and paragraphs: a line set noticeably larger than the page's body text
 * (the size most of its characters have) is a heading; a wide gap between baselines ends a paragraph.
 */
export function toParagraphs(lines: PdfLine[]): PdfParagraph[] {
  const body = bodySize(lines);
  const paragraphs: PdfParagraph[] = [];
  let paragraphLines: string[] = [];
  let last: PdfLine | null = null;
  const close = () => {
    if (paragraphLines.length > 0)
      paragraphs.push({ kind: 'paragraph', level: 0, text: paragraphLines.join('\n') });
    paragraphLines = [];
    last = null;
  };
  for (const line of lines) {
    const level = headingLevel(line, body);
    if (level > 0) {
      close();
      paragraphs.push({ kind: 'heading', level, text: line.text });
      continue;
    }
    const previous: PdfLine | null = last;
    if (previous && Math.abs(previous.y - line.y) > PARAGRAPH_GAP * Math.max(line.size, previous.size))
      close();
    paragraphLines.push(line.text);
    last = line;
  }
  close();
  return paragraphs;
}

function bodySize(lines: PdfLine[]): number {
  const chars = new Map<number, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 2) / 2;
    chars.set(size, (chars.get(size) ?? 0) + line.text.length);
  }
  let best = 0;
  let most = -1;
  for (const [size, count] of chars) {
    if (count > most) [best, most] = [size, count];
  }
  return best;
}

function headingLevel(line: PdfLine, body: number): number {
  if (body <= 0 || line.text.length > MAX_HEADING_CHARS) return 0;
  const index = HEADING_RATIOS.findIndex((ratio) => line.size >= ratio * body);
  return index < 0 ? 0 : index + 1;
}
