import type { McpConnectionEvent, McpConnectionState } from './types.ts';

export type McpConnectionListener = (event: McpConnectionEvent) => void;

/** A connection's current state and the listeners told of every change, list change and warning. */
export class ConnectionEvents {
  private current: McpConnectionState = { status: 'connecting' };
  private readonly listeners = new Set<McpConnectionListener>();

  get state(): McpConnectionState {
    return this.current;
  }

  subscribe(listener: McpConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: McpConnectionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's own failure is not the connection's
      }
    }
  }

  setState(state: McpConnectionState): void {
    this.current = state;
    this.emit({ type: 'state', state });
  }
}
