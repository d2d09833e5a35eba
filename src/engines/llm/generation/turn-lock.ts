/**
 * One generation at a time per engine (there is one KV cache). A request waits for the previous
 * one to finish; an aborted request finishes after the step in flight, so the next starts at once.
 */
export class TurnLock {
  private tail: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => next);
    await previous;
    return release;
  }
}
