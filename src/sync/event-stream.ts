/**
 * Server-sent events read from a fetch body. EventSource cannot send an Authorization header, and the key
 * must not go into a URL (logs, history), so the stream is read by hand: `id:`, `event:`, `data:` lines,
 * one message per blank line, comments (`:` heartbeats) skipped.
 */
export interface ServerSentEvent {
  id: string | undefined;
  event: string;
  data: string;
}

export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let message: ServerSentEvent = { id: undefined, event: 'message', data: '' };
  let hasData = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r?\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer[newline] === '\r' ? 2 : 1));
        if (line === '') {
          if (hasData) yield message;
          message = { id: undefined, event: 'message', data: '' };
          hasData = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') {
          message.data = hasData ? `${message.data}\n${text}` : text;
          hasData = true;
        } else if (field === 'event') message.event = text;
        else if (field === 'id') message.id = text;
      }
    }
  } finally {
    // A consumer that stops early closes the connection too (the server then drops its listener).
    await reader.cancel().catch(() => undefined);
  }
}
