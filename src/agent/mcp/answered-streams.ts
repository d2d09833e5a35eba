/** Past this many, the oldest remembered stream ends are forgotten (each is one event id). */
const REMEMBERED = 256;

interface Reconnecting {
  _scheduleReconnection?: (options: { resumptionToken?: string }, attempt?: number) => void;
}

/**
 * Keeps the Streamable HTTP transport of @modelcontextprotocol/sdk 1.x from reopening the event
 * stream of a request that has its answer. The 1.x transport counts only a *result* as the answer
 * on a request's stream: a stream that ends after a JSON-RPC *error* is taken for a dropped one and
 * reopened with a GET carrying Last-Event-ID, which the server then holds open with nothing to send
 * (fixed in the SDK's v2 line; the 1.x backport is typescript-sdk#2638). In a page each such GET holds
 * one of the six connections a browser keeps per HTTP/1.1 origin: a few failed requests, and the
 * server cannot be reached any more.
 *
 * Every request the bridge sends reports the event ids of its stream (`onresumptiontoken`); once the
 * request has settled, its last id is remembered, and a reconnection the transport schedules from a
 * remembered id is dropped. The check runs one task after the transport asks, when the answer that
 * ended the stream has reached its request. A resumption of a stream still owed its answer (or of the
 * standalone GET stream) goes ahead unchanged, one task later.
 */
export class AnsweredStreams {
  private readonly ended = new Set<string>();

  /** Wraps the transport's reconnection scheduling; a transport without it (a later SDK) is left alone. */
  install(transport: object): void {
    const target = transport as Reconnecting;
    const schedule = target._scheduleReconnection?.bind(transport);
    if (!schedule) return;
    target._scheduleReconnection = (options, attempt = 0) => {
      const token = options.resumptionToken;
      if (attempt > 0 || token === undefined) return schedule(options, attempt);
      setTimeout(() => {
        if (this.ended.delete(token)) return;
        schedule(options, attempt);
      }, 0);
    };
  }

  /** Runs one request, handing it the callback that learns its stream's event ids. */
  async track<T>(request: (onresumptiontoken: (token: string) => void) => Promise<T>): Promise<T> {
    let last: string | undefined;
    try {
      return await request((token) => (last = token));
    } finally {
      if (last !== undefined) this.remember(last);
    }
  }

  private remember(token: string): void {
    this.ended.add(token);
    if (this.ended.size > REMEMBERED) this.ended.delete(this.ended.values().next().value as string);
  }
}
