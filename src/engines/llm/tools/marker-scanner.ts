/**
 * Finds the first of several marker strings in text that arrives in pieces. Text that might be the
 * start of a marker split across pieces is held back until the next piece decides it.
 */
export class MarkerScanner {
  private held = '';

  constructor(private readonly markers: readonly string[]) {}

  /**
   * Returns the text before the first marker found (`marker` set, `rest` = what follows it), or,
   * when none is found, the text that is certainly not part of a marker (`marker` undefined).
   */
  push(text: string): { before: string; marker?: string; rest: string } {
    const buffer = this.held + text;
    let best: { at: number; marker: string } | undefined;
    for (const marker of this.markers) {
      const at = buffer.indexOf(marker);
      if (at >= 0 && (best === undefined || at < best.at)) best = { at, marker };
    }
    if (best) {
      this.held = '';
      return {
        before: buffer.slice(0, best.at),
        marker: best.marker,
        rest: buffer.slice(best.at + best.marker.length),
      };
    }
    const keep = this.partialMarkerLength(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { before: buffer.slice(0, buffer.length - keep), rest: '' };
  }

  /** Gives back what was held (at the end of the stream, or when switching modes). */
  flush(): string {
    const held = this.held;
    this.held = '';
    return held;
  }

  private partialMarkerLength(buffer: string): number {
    let longest = 0;
    for (const marker of this.markers) {
      for (let n = Math.min(marker.length - 1, buffer.length); n > longest; n--) {
        if (buffer.endsWith(marker.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
