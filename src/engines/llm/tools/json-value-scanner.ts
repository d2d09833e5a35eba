/**
 * Finds where one JSON object or array ends in text that arrives in pieces, by tracking strings,
 * escapes and nesting only. Used for arguments written bare (`name{...}`), with no call object around them.
 */
export class JsonValueScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private closed = false;
  private bad = false;

  get done(): boolean {
    return this.closed;
  }

  get failed(): boolean {
    return this.bad;
  }

  /** Consumes text up to the end of the value; returns how many characters it used. */
  push(text: string): number {
    let used = 0;
    for (const char of text) {
      if (this.closed || this.bad) break;
      used += char.length;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === '\\') this.escaped = true;
        else if (char === '"') this.inString = false;
      } else if (char === '"') {
        this.inString = true;
      } else if (char === '{' || char === '[') {
        this.started = true;
        this.depth++;
      } else if (char === '}' || char === ']') {
        this.depth--;
        if (this.depth === 0) this.closed = true;
      } else if (!this.started && !/\s/.test(char)) {
        this.bad = true;
      }
    }
    return used;
  }
}
