/**
 * One request to the fine-tuning server with the browser's key, its failures turned into the sync codes:
 * no connection -> ADAPTER_SERVER_UNREACHABLE, 401 -> ADAPTER_AUTH_FAILED, 403 -> ADAPTER_FORBIDDEN,
 * anything else not OK -> the caller's `onStatus`, else ADAPTER_SERVER_ERROR. Shared by adapter sync and
 * training, so both explain a wrong key or scope in the same words.
 */
import { abortError, type HearthError } from '../core/errors.ts';
import { isNetworkError, serverErrorOf, syncError } from './errors.ts';

export interface ServerEndpoint {
  /** The server's origin (and path prefix, if any), without `/v1`. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch?: typeof fetch;
}

export interface ServerRequestOptions extends RequestInit {
  /** What a 403 means for this request, e.g. "Use a key with the adapters:read scope." */
  forbiddenHint: string;
  /** A status the caller explains itself (e.g. 404 for a job); return undefined to use the default. */
  onStatus?: (status: number, said: string, code: string | undefined) => HearthError | undefined;
}

export const trimBaseUrl = (baseUrl: string): string => baseUrl.replace(/\/+$/, '');

/** fetch with the key: every request to the server is authenticated. */
export function keyedFetch(endpoint: ServerEndpoint): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${endpoint.apiKey}`);
    return (endpoint.fetch ?? globalThis.fetch)(input, { ...init, headers });
  };
}

export async function serverRequest(
  endpoint: ServerEndpoint,
  route: string,
  { forbiddenHint, onStatus, ...init }: ServerRequestOptions,
): Promise<Response> {
  const baseUrl = trimBaseUrl(endpoint.baseUrl);
  const signal = init.signal ?? undefined;
  let response: Response;
  try {
    response = await keyedFetch(endpoint)(baseUrl + route, { ...init, signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw abortError(signal.reason);
    if (isNetworkError(error))
      throw syncError(
        'ADAPTER_SERVER_UNREACHABLE',
        `The fine-tuning server at ${baseUrl} cannot be reached; stored adapters stay in use. Check the connection or the server URL.`,
        { offline: true },
        error,
      );
    throw error;
  }
  if (response.ok) return response;
  const { code, message } = await serverErrorOf(response);
  const said = message ? ` The server said: ${message}` : '';
  const own = onStatus?.(response.status, said, code);
  if (own) throw own;
  if (response.status === 401)
    throw syncError(
      'ADAPTER_AUTH_FAILED',
      `The fine-tuning server refused the API key (401).${said} Check the key in the settings, or ask for a new browser key.`,
    );
  if (response.status === 403)
    throw syncError('ADAPTER_FORBIDDEN', `This key may not do this (403).${said} ${forbiddenHint}`);
  throw syncError(
    'ADAPTER_SERVER_ERROR',
    `The fine-tuning server answered ${response.status}${code ? ` (${code})` : ''}.${said} Try again later.`,
    { status: response.status },
  );
}
