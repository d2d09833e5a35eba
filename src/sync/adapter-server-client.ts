/**
 * The fine-tuning server's adapter endpoints, read with a browser's read-only (`adapters:read`) key:
 * `GET /v1/adapters?base_model=…` (newest first, paged), `GET /v1/adapters/{id}`, `…/files/{name}`.
 */
import { adapterListSchema, adapterManifestSchema, type AdapterManifest } from '../core/adapter-manifest.ts';
import { syncError } from './errors.ts';
import { keyedFetch, serverRequest, trimBaseUrl } from './server-request.ts';

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
    this.baseUrl = trimBaseUrl(options.baseUrl);
    this.fetch = keyedFetch(options);
  }

  /** fetch with the key: downloads go through this too, so every request is authenticated. */
  readonly fetch: typeof fetch;

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
    const response = await serverRequest(this.options, route, {
      signal: signal ?? null,
      forbiddenHint: 'Use a key with the adapters:read or training scope.',
      onStatus: (status, said) =>
        status === 404
          ? syncError(
              'ADAPTER_NOT_FOUND',
              `The adapter server has no ${route.split('?')[0]} for this key (404).${said}`,
            )
          : undefined,
    });
    return response.json();
  }
}

function invalidManifest(what: string, why: string | undefined) {
  return syncError(
    'ADAPTER_MANIFEST_INVALID',
    `The server sent ${what} in an unexpected shape (${why}); update Hearth or the server.`,
  );
}
