/**
 * Cuts a Markdown text that arrives piece by piece into finished blocks and an open tail, so a
 * streaming view renders each finished block once and re-parses only the tail. A block ends at a
 * blank line outside a code fence; the cut is confirmed only when the next non-blank line starts a
 * new block (not an indented continuation, not the next item of the same list), because until then
 * the blank line may still belong to a list item or an indented code block.
 */
export class MarkdownBlockSplitter {
  private text = '';
  /** Offset of the first character not yet in a finished block. */
  private committed = 0;
  /** Offset after the last complete line looked at. */
  private scanned = 0;
  private fence: { marker: string; length: number } | null = null;
  /** End of a blank line outside a fence, waiting for the next non-blank line to confirm the cut. */
  private pendingCut: number | null = null;
  private blockIsList = false;
  private blockHasContent = false;

  /** Adds text; returns the blocks this piece finished (often none). */
  push(delta: string): string[] {
    this.text += delta;
    const finished: string[] = [];
    let newline = this.text.indexOf('\n', this.scanned);
    while (newline !== -1) {
      const cut = this.scanLine(this.text.slice(this.scanned, newline), newline + 1);
      if (cut !== null) {
        finished.push(this.text.slice(this.committed, cut));
        this.committed = cut;
      }
      this.scanned = newline + 1;
      newline = this.text.indexOf('\n', this.scanned);
    }
    return finished;
  }

  /** The part not yet in a finished block, re-rendered as the stream goes on. */
  get tail(): string {
    return this.text.slice(this.committed);
  }

  get fullText(): string {
    return this.text;
  }

  private scanLine(line: string, lineEnd: number): number | null {
    if (this.fence) {
      if (closesFence(line, this.fence)) this.fence = null;
      return null;
    }
    if (line.trim() === '') {
      if (this.blockHasContent) this.pendingCut = lineEnd;
      return null;
    }
    let cut: number | null = null;
    if (this.pendingCut !== null) {
      const continues = /^\s/.test(line) || (this.blockIsList && isListItem(line));
      if (!continues) {
        cut = this.pendingCut;
        this.blockHasContent = false;
      }
      this.pendingCut = null;
    }
    if (!this.blockHasContent) {
      this.blockHasContent = true;
      this.blockIsList = isListItem(line);
    }
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (opening) this.fence = { marker: opening[1]![0]!, length: opening[1]!.length };
    return cut;
  }
}

function isListItem(line: string): boolean {
  return /^\s*(?:[-*+]|\d{1,9}[.)])(?:\s|$)/.test(line);
}

function closesFence(line: string, fence: { marker: string; length: number }): boolean {
  const match = /^ {0,3}(`+|~+)\s*$/.exec(line);
  return match !== null && match[1]![0] === fence.marker && match[1]!.length >= fence.length;
}
