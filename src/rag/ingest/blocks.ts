/** A heading or a paragraph of the document's text, with its exact place in it. */
export interface TextBlock {
  kind: 'heading' | 'paragraph';
  /** Heading level (1–6); 0 for paragraphs. */
  level: number;
  /** Exactly the document's text in [start, end). */
  text: string;
  start: number;
  end: number;
  /** The heading's title (without the #s); '' for paragraphs. */
  title: string;
  /** The text between the previous block's end and this block's start (blank lines, line ends). */
  gapBefore: string;
}

/** A paragraph is cut (at a line end, else a space) once it grows past this, to bound memory. */
const MAX_BLOCK_CHARS = 16_384;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/;
const FENCE = /^ {0,3}(```|~~~)/;

/**
 * Splits streamed text into blocks: paragraphs separated by blank lines and, for Markdown,
 * ATX headings (not inside code fences). Holds at most one paragraph in memory.
 */
export class BlockSplitter {
  private buffer = '';
  /** Offset in the document of buffer[0]. */
  private bufferStart = 0;
  private paragraph = '';
  private paragraphStart = 0;
  private inFence = false;
  private atLineStart = true;
  /** Text consumed since the last block ended (blank lines, line ends): the next block's gapBefore. */
  private gap = '';
  private paragraphGap = '';
  /** The line end after the paragraph's last line: joins the next line, or starts the gap. */
  private trailing = '';

  constructor(private readonly markdown: boolean) {}

  push(text: string): TextBlock[] {
    this.buffer += text;
    const blocks: TextBlock[] = [];
    let lineStart = 0;
    while (true) {
      const newline = this.buffer.indexOf('\n', lineStart);
      if (newline >= 0) {
        this.line(this.buffer.slice(lineStart, newline), this.bufferStart + lineStart, blocks, '\n');
        lineStart = newline + 1;
        continue;
      }
      if (this.buffer.length - lineStart <= MAX_BLOCK_CHARS) break;
      // One very long line: take a piece of it (up to a space) so memory stays bounded.
      const space = this.buffer.lastIndexOf(' ', lineStart + MAX_BLOCK_CHARS);
      const end = space > lineStart ? space + 1 : lineStart + MAX_BLOCK_CHARS;
      this.line(this.buffer.slice(lineStart, end), this.bufferStart + lineStart, blocks, '');
      lineStart = end;
    }
    this.buffer = this.buffer.slice(lineStart);
    this.bufferStart += lineStart;
    return blocks;
  }

  end(): TextBlock[] {
    const blocks: TextBlock[] = [];
    if (this.buffer) this.line(this.buffer, this.bufferStart, blocks, '');
    this.bufferStart += this.buffer.length;
    this.buffer = '';
    this.flush(blocks);
    return blocks;
  }

  /** One line (or piece of a very long one); `ending` is what followed it in the text. */
  private line(raw: string, start: number, blocks: TextBlock[], ending: '\n' | ''): void {
    const line = ending === '\n' && raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const consumedEnd = raw.slice(line.length) + ending;
    const atLineStart = this.atLineStart;
    this.atLineStart = ending !== '';
    if (atLineStart && this.markdown && FENCE.test(line)) this.inFence = !this.inFence;
    if (!this.inFence && line.trim() === '' && ending !== '' && (atLineStart || this.paragraph === '')) {
      this.flush(blocks);
      this.gap += raw + ending;
      return;
    }
    const heading = atLineStart && this.markdown && !this.inFence ? HEADING.exec(line) : null;
    if (heading) {
      this.flush(blocks);
      blocks.push({
        kind: 'heading',
        level: heading[1]!.length,
        text: line,
        start,
        end: start + line.length,
        title: heading[2]!,
        gapBefore: this.gap,
      });
      this.gap = consumedEnd;
      return;
    }
    if (this.paragraph === '') {
      this.paragraphStart = start;
      this.paragraphGap = this.gap;
      this.gap = '';
    } else {
      this.paragraph += this.trailing;
    }
    this.paragraph += line;
    this.trailing = consumedEnd;
    if (this.paragraph.length > MAX_BLOCK_CHARS) this.flush(blocks);
  }

  private flush(blocks: TextBlock[]): void {
    if (this.paragraph !== '') {
      const start = this.paragraphStart;
      blocks.push({
        kind: 'paragraph',
        level: 0,
        text: this.paragraph,
        start,
        end: start + this.paragraph.length,
        title: '',
        gapBefore: this.paragraphGap,
      });
    }
    this.paragraph = '';
    this.gap += this.trailing;
    this.trailing = '';
  }
}
