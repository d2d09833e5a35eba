/**
 * The fine-tuning server's adapter endpoints, read with a browser's read-only (`adapters:read`) key:
 * `GET /v1/adapters?base_model=…` (newest first, paged), `GET /v1/adapters/{id}`, `…/files/{name}`.
 */
import { abortError } from '../core/errors.ts';
import { adapterListSchema, adapterManifestSchema, type AdapterManifest } from '../core/adapter-manifest.ts';
import { isNetworkError, serverErrorOf, syncError } from './errors.ts';

export interface AdapterServerClientOptions {
  /** The server's origin (and path prefix, if any), without `/v1`. */
  baseUrl: string;
  apiKey: string;
  fetch?: typeof fetch;
}

const PAGE = 100;

export class AdapterServerClient {
  private readonly baseUrl: string;

  constructor(private readonly options: AdapterServerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** fetch with the key: downloads go through this too, so every request is authenticated. */
  readonly fetch: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${this.options.apiKey}`);
    return (this.options.fetch ?? globalThis.fetch)(input, { ...init, headers });
  };

  /** Every adapter version of `baseModel` this key may see, newest first. */
  async list(baseModel: string, signal?: AbortSignal): Promise<AdapterManifest[]> {
    const all: AdapterManifest[] = [];
    let after: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ base_model: baseModel, limit: String(PAGE) });
      if (after) query.set('after', after);
      const page = adapterListSchema.safeParse(await this.getJson(`/v1/adapters?${query}`, signal));
      if (!page.success) throw invalidManifest('the adapter list', page.error.issues[0]?.message);
      all.push(...page.data.data);
      if (!page.data.has_more || page.data.data.length === 0) return all;
      after = page.data.data.at(-1)!.id;
    }
  }

  async manifest(id: string, signal?: AbortSignal): Promise<AdapterManifest> {
    const parsed = adapterManifestSchema.safeParse(
      await this.getJson(`/v1/adapters/${encodeURIComponent(id)}`, signal),
    );
    if (!parsed.success) throw invalidManifest(`the manifest of ${id}`, parsed.error.issues[0]?.message);
    return parsed.data;
  }

  fileUrl(id: string, name: string): string {
    return `${this.baseUrl}/v1/adapters/${encodeURIComponent(id)}/files/${encodeURIComponent(name)}`;
  }

  private async getJson(route: string, signal: AbortSignal | undefined): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetch(this.baseUrl + route, { signal: signal ?? null });
    } catch (error) {
      if (signal?.aborted) throw abortError(signal.reason);
      if (isNetworkError(error))
        throw syncError(
          'ADAPTER_SERVER_UNREACHABLE',
          `The adapter server at ${this.baseUrl} cannot be reached; stored adapters stay in use. Check the connection or the server URL.`,
          { offline: true },
          error,
        );
      throw error;
    }
    if (response.ok) return response.json();
    const { code, message } = await serverErrorOf(response);
    const said = message ? ` The server said: ${message}` : '';
    if (response.status === 401)
      throw syncError(
        'ADAPTER_AUTH_FAILED',
        `The adapter server refused the API key (401).${said} Ask for a new browser key.`,
      );
    if (response.status === 403)
      throw syncError(
        'ADAPTER_FORBIDDEN',
        `This key may not read adapters (403).${said} Use a key with the adapters:read scope.`,
      );
    if (response.status === 404)
      throw syncError(
        'ADAPTER_NOT_FOUND',
        `The adapter server has no ${route.split('?')[0]} for this key (404).${said}`,
      );
    throw syncError(
      'ADAPTER_SERVER_ERROR',
      `The adapter server answered ${response.status}${code ? ` (${code})` : ''}.${said} Try again later.`,
      {
        status: response.status,
      },
    );
  }
}

function invalidManifest(what: string, why: string | undefined) {
  return syncError(
    'ADAPTER_MANIFEST_INVALID',
    `The server sent ${what} in an unexpected shape (${why}); update Hearth or the server.`,
  );
}
