import { describeInvalid, isInvalidMessage, type SessionEnd } from './classify.ts';
import type { ConnectionEvents } from './connection-state.ts';
import { errorText } from './cors.ts';
import { mcpError } from './errors.ts';
import type { McpSdk } from './load-sdk.ts';
import type { Session } from './session.ts';

export interface TransportErrorContext {
  sdk: McpSdk;
  server: string;
  events: ConnectionEvents;
  isLive(session: Session): boolean;
  lose(session: Session, why: SessionEnd, cause: unknown): void;
}

/**
 * What an error the transport reports (outside any one request) means for its session: a message that
 * is not JSON-RPC is remembered and reported, a stream that cannot come back ends the session, and a
 * dropped stream is checked with a ping.
 */
export function onTransportError(context: TransportErrorContext, session: Session, error: unknown): void {
  const text = errorText(error);
  if (isInvalidMessage(error)) {
    session.invalidMessage = describeInvalid(error);
    context.events.emit({
      type: 'warning',
      error: mcpError(
        'MCP_INVALID_RESPONSE',
        `The MCP server "${context.server}" sent an invalid message: ${session.invalidMessage}`,
      ),
    });
    return;
  }
  if (error instanceof context.sdk.SseError && session.kind === 'sse') {
    context.lose(session, 'server-gone', error);
    return;
  }
  if (/Maximum reconnection attempts/i.test(text)) {
    context.lose(session, 'server-gone', 'its event stream could not be resumed');
    return;
  }
  // A stream dropped. The SDK resumes it (Last-Event-ID) when it can; a ping tells whether the server is still
  // there (a refused ping is a network failure, which ends the session).
  if (/SSE stream disconnected/i.test(text) && context.isLive(session) && !session.pinging) {
    session.pinging = true;
    session.answered
      .track((onresumptiontoken) => session.client.ping({ timeout: 5_000, onresumptiontoken }))
      .catch(() => undefined)
      .finally(() => (session.pinging = false));
  }
}
