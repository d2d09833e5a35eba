/**
 * The one `fetch` the SDK gets: it adds the caller's headers, and turns what a browser reports as a bare
 * `TypeError: Failed to fetch` into an error that says whether the agent is down or refuses this page (CORS).
 */
import { a2aError } from './errors.ts';

/** What a server must send so that a page can talk A2A to it. */
export const CORS_NEEDS =
  "Access-Control-Allow-Origin with this page's origin, Access-Control-Allow-Methods: GET, POST, and " +
  'Access-Control-Allow-Headers: Content-Type, A2A-Version, A2A-Extensions, Authorization';

export interface A2AFetchOptions {
  fetch?: typeof fetch;
  headers?: Readonly<Record<string, string>>;
}

export function a2aFetch(options: A2AFetchOptions = {}): typeof fetch {
  const base = options.fetch ?? globalThis.fetch.bind(globalThis);
  const extra = options.headers ?? {};
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(extra)) if (!headers.has(name)) headers.set(name, value);
    let response: Response;
    try {
      response = await base(input, { ...init, headers });
    } catch (error) {
      if (init?.signal?.aborted || !(error instanceof TypeError)) throw error;
      throw await explainFailedFetch(url, base, error);
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel().catch(() => undefined);
      throw a2aError(
        'A2A_AUTH_REQUIRED',
        `The A2A agent at ${url.origin} refused the request (HTTP ${response.status}): give it valid credentials ` +
          "(the Authorization header in the agent's settings) and try again.",
        { status: response.status, url: url.href },
      );
    }
    if (response.status === 413) {
      await response.body?.cancel().catch(() => undefined);
      throw a2aError(
        'A2A_PROTOCOL_ERROR',
        `The A2A agent at ${url.origin} refused the message as too large (HTTP 413): send smaller files, or ` +
          'link to them (file parts with a URL) instead.',
        { status: 413, url: url.href },
      );
    }
    return response;
  };
}

/**
 * A browser rejects a fetch with the same TypeError whether the server is down or refuses the page. A no-cors
 * request tells them apart: it succeeds (with an opaque answer) when the server is up. A cross-origin isolated
 * page (COEP require-corp, as Hearth's app is) gets that answer only from servers that send
 * Cross-Origin-Resource-Policy, so there a failed probe cannot rule CORS out, and the message says both.
 */
async function explainFailedFetch(url: URL, base: typeof fetch, error: TypeError): Promise<Error> {
  const where = `${url.origin}${url.pathname}`;
  // Only a browser enforces CORS; elsewhere a TypeError means the network failed.
  const inBrowser = 'crossOriginIsolated' in globalThis;
  if (inBrowser && (await answersNoCors(url, base))) {
    return a2aError(
      'A2A_CORS_REFUSED',
      `The A2A agent at ${where} answers, but its server does not allow requests from this page (CORS). ` +
        `Ask its operator to send ${CORS_NEEDS}.`,
      { url: url.href, origin: globalThis.location?.origin },
      error,
    );
  }
  const isolated = inBrowser && globalThis.crossOriginIsolated;
  return a2aError(
    'A2A_UNREACHABLE',
    isolated
      ? `Could not reach the A2A agent at ${where}: it is not running there, or its server does not allow ` +
          `requests from this page (CORS). Check the address and that the agent runs; if it does, its server must ` +
          `send ${CORS_NEEDS}.`
      : `Could not reach the A2A agent at ${where}: check the address and that the agent runs.`,
    { url: url.href },
    error,
  );
}

async function answersNoCors(url: URL, base: typeof fetch): Promise<boolean> {
  try {
    await base(url.href, { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}
