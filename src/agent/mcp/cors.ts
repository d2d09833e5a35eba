import type { HearthError } from '../../core/errors.ts';
import { MCP_CORS_HEADERS, mcpError } from './errors.ts';

type Fetch = typeof fetch;

const headerList = () => MCP_CORS_HEADERS.map((line) => `  ${line}`).join('\n');

/** The origin of the page or worker we run in, when it is not the server's own. */
function crossOrigin(url: URL): string | undefined {
  const here = (globalThis as { location?: { origin?: string } }).location?.origin;
  return here && here !== 'null' && here !== url.origin ? here : undefined;
}

async function answers(fetchImpl: Fetch, url: URL, init: RequestInit): Promise<boolean> {
  try {
    const response = await fetchImpl(url, {
      ...init,
      credentials: 'omit',
      signal: AbortSignal.timeout(3000),
    });
    await response.body?.cancel().catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

/**
 * Says why a request to an MCP server failed at the network level. Browsers report a CORS refusal
 * and a server that is not there as the same bare `TypeError`, so this asks twice more:
 * - a simple GET (no custom headers, so no preflight) that is answered means the server runs and lets
 *   this origin read simple responses, so the MCP request was refused at its preflight;
 * - outside cross-origin isolation, an opaque `no-cors` GET that is answered means the server runs but
 *   sends no CORS headers at all. A cross-origin isolated page (COEP) cannot make that probe: there the
 *   error says the server is either down or refusing the origin, and lists the headers either way.
 */
export async function explainNetworkFailure(
  fetchImpl: Fetch,
  url: URL,
  cause: unknown,
): Promise<HearthError> {
  const origin = crossOrigin(url);
  if (!origin) {
    return mcpError(
      'MCP_SERVER_UNREACHABLE',
      `The MCP server at ${url.href} cannot be reached: ${errorText(cause)}.`,
      {
        cause,
      },
    );
  }
  const refused = (how: string) =>
    mcpError(
      'MCP_CORS_REFUSED',
      `The MCP server at ${url.href} runs, but ${how} this page's origin ${origin} (CORS). ` +
        `It must send:\n${headerList()}`,
      { cause, details: { origin, headers: [...MCP_CORS_HEADERS] } },
    );
  if (await answers(fetchImpl, url, { method: 'GET', mode: 'cors' })) {
    return refused('refuses the MCP request (headers or methods its preflight does not allow) from');
  }
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated && (await answers(fetchImpl, url, { method: 'GET', mode: 'no-cors' }))) {
    return refused('sends no CORS headers for');
  }
  return mcpError(
    'MCP_SERVER_UNREACHABLE',
    `The MCP server at ${url.href} cannot be reached from this page: it is not running there` +
      (isolated
        ? `, or it refuses this page's origin ${origin} (a cross-origin isolated page cannot tell which). ` +
          `If it runs, it must send:\n${headerList()}`
        : '.'),
    { cause, details: { origin, headers: [...MCP_CORS_HEADERS] } },
  );
}

export function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const inner = cause instanceof Error ? cause.message : undefined;
    return inner && !error.message.includes(inner) ? `${error.message} (${inner})` : error.message;
  }
  return String(error);
}
