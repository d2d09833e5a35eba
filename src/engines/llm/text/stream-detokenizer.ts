/** What the detokeniser needs from a tokenizer. */
export interface TokenDecoder {
  decode(ids: number[]): string;
}

/**
 * Turns a stream of token ids into text deltas without ever splitting a UTF-8 character: byte-level
 * tokens may carry part of a character, which decodes to U+FFFD until the rest arrives. Decoding a
 * short window (from the last emitted boundary) rather than each token alone also keeps decoders
 * that change a token's text by its neighbours (leading-space rules) right.
 */
export class StreamDetokenizer {
  private readonly ids: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  constructor(private readonly decoder: TokenDecoder) {}

  /** Adds one token; returns the text it completes (often '', for part of a character). */
  push(id: number): string {
    this.ids.push(id);
    const before = this.decoder.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const after = this.decoder.decode(this.ids.slice(this.prefixOffset));
    if (after.length > before.length && !after.endsWith('\uFFFD')) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.ids.length;
      return after.slice(before.length);
    }
    return '';
  }

  /** At the end: whatever is still held (an incomplete character decodes as U+FFFD, never dropped). */
  flush(): string {
    const before = this.decoder.decode(this.ids.slice(this.prefixOffset, this.readOffset));
    const after = this.decoder.decode(this.ids.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.ids.length;
    return after.length > before.length ? after.slice(before.length) : '';
  }
}
