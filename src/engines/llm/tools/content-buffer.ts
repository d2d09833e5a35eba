import type { OutputEvent } from '../generation-hooks.ts';

/**
 * Plain text around tool calls. Whitespace is held back until something else follows, so the
 * newlines a model writes between or after calls do not turn a tool-call turn into one with content.
 */
export class ContentBuffer {
  private space = '';
  private sawCall = false;
  private sawText = false;

  add(text: string): OutputEvent[] {
    if (!text) return [];
    const trimmed = text.trimEnd();
    if (!trimmed) {
      this.space += text;
      return [];
    }
    const out = this.space + trimmed;
    this.space = text.slice(trimmed.length);
    this.sawText = true;
    return [{ type: 'content', text: out }];
  }

  /** A call starts: whitespace right before it is only layout. Returns it, in case it was not. */
  dropPendingSpace(): string {
    const space = this.space;
    this.space = '';
    return space;
  }

  markToolCall(): void {
    this.sawCall = true;
  }

  /** Emits held whitespace now (used when text that looked like a call was plain text). */
  flushSpace(): OutputEvent[] {
    const out = this.space;
    this.space = '';
    return out ? [{ type: 'content', text: out }] : [];
  }

  /** End of stream: trailing whitespace matters only in a reply that is plain text. */
  finish(): OutputEvent[] {
    if (this.sawCall || !this.sawText) {
      this.space = '';
      return [];
    }
    return this.flushSpace();
  }
}
