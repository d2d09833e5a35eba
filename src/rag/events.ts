import type { HearthError } from '../core/errors.ts';
import type { ChangeEvent } from './types.ts';

export type RagEvent = ChangeEvent | { type: 'outdated'; code: string; message: string };

/**
 * Change notices between tabs (and to this tab's page): every commit is announced on a
 * BroadcastChannel named after the database; other tabs' stores resync the collection.
 */
export class ChangeChannel {
  private readonly channel: BroadcastChannel | null;
  private readonly listeners = new Set<(event: RagEvent) => void>();

  constructor(databaseName: string, onRemote: (event: ChangeEvent) => void) {
    this.channel =
      typeof BroadcastChannel === 'function' ? new BroadcastChannel(`hearth-rag:${databaseName}`) : null;
    this.channel?.addEventListener('message', (message: MessageEvent<ChangeEvent>) => {
      onRemote(message.data);
      this.emit(message.data);
    });
  }

  announce(event: ChangeEvent): void {
    this.channel?.postMessage(event);
    this.emit(event);
  }

  outdated(error: HearthError): void {
    this.emit({ type: 'outdated', code: error.code, message: error.message });
  }

  /**
   * Events as an async iterable. Listening starts at this call (not at the first `next()`), so
   * nothing that happens in between is missed; it stops when the consumer stops or `signal` aborts.
   */
  events(signal?: AbortSignal): AsyncIterable<RagEvent> {
    const queue: RagEvent[] = [];
    let wake: (() => void) | null = null;
    const listener = (event: RagEvent) => {
      queue.push(event);
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort);
    const listeners = this.listeners;
    async function* drain(): AsyncGenerator<RagEvent> {
      try {
        while (!signal?.aborted) {
          if (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          while (queue.length > 0) yield queue.shift()!;
        }
      } finally {
        listeners.delete(listener);
        signal?.removeEventListener('abort', onAbort);
      }
    }
    return drain();
  }

  close(): void {
    this.channel?.close();
    this.listeners.clear();
  }

  private emit(event: RagEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
