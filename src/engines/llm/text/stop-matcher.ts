/**
 * Finds stop strings in streamed text even when one is split across tokens. Text that could be
 * the start of a stop string is held back until the next piece shows whether it is; text before a
 * stop string is released, the stop string and everything after it never are.
 */
export class StopMatcher {
  private held = '';
  private stoppedFlag = false;
  private readonly stops: string[];

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  /** Returns the text that is safe to emit now. */
  push(text: string): string {
    if (this.stoppedFlag) return '';
    const pending = this.held + text;
    let cut = -1;
    for (const stop of this.stops) {
      const at = pending.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) {
      this.stoppedFlag = true;
      this.held = '';
      return pending.slice(0, cut);
    }
    const keep = this.longestPartialSuffix(pending);
    this.held = pending.slice(pending.length - keep);
    return pending.slice(0, pending.length - keep);
  }

  /** At the end of generation: whatever was held back is plain text after all. */
  finish(): string {
    const rest = this.stoppedFlag ? '' : this.held;
    this.held = '';
    return rest;
  }

  /** Length of the longest suffix of `text` that is a proper prefix of some stop string. */
  private longestPartialSuffix(text: string): number {
    let best = 0;
    for (const stop of this.stops) {
      const max = Math.min(stop.length - 1, text.length);
      for (let length = max; length > best; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          best = length;
          break;
        }
      }
    }
    return best;
  }
}
