type Fetch = typeof fetch;

export interface FetchObserver {
  /** The request never got an answer (connection refused or reset): the server is not there. */
  networkFailure(error: unknown): void;
  /** The server no longer knows the session the request named (spec: 404; see below for 400). */
  sessionExpired(status: number): void;
}

function header(init: RequestInit | undefined, name: string): string | null {
  const headers = init?.headers;
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name);
  if (Array.isArray(headers)) return headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? null;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return entry ? entry[1] : null;
}

/**
 * Wraps the fetch the SDK's transports use, to learn what their errors hide: a network failure
 * (the server is gone: fail the calls in flight and reconnect) and an expired session (open a new
 * one). Only failed requests cost anything extra; answered ones pass through untouched.
 */
export function observedFetch(base: Fetch, observer: FetchObserver): Fetch {
  return async (input, init) => {
    let response: Response;
    try {
      response = await base(input, init);
    } catch (error) {
      if (!init?.signal?.aborted) observer.networkFailure(error);
      throw error;
    }
    if (response.status !== 404 && response.status !== 400) return response;
    if (!header(init, 'mcp-session-id')) return response;
    if (response.status === 404) {
      observer.sessionExpired(404);
      return response;
    }
    // The spec answers an unknown session with 404; the reference servers built on express answer
    // 400 "No valid session ID". Read a copy of the (small) error body to tell that from other 400s.
    const text = await response
      .clone()
      .text()
      .catch(() => '');
    if (/session/i.test(text)) observer.sessionExpired(400);
    return response;
  };
}
