import type { OAuthClientProvider, OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { McpOAuthRecord, McpOAuthStore } from './record.ts';

export interface McpOAuthProviderOptions {
  store: McpOAuthStore;
  /** Where the authorization server sends the user back with `code` and `state`. */
  redirectUrl: string;
  clientName?: string;
  /** Fallback scopes when neither the server's 401 nor its metadata names any. */
  scope?: string;
  /** A pre-registered client (no dynamic registration then). */
  clientId?: string;
  clientSecret?: string;
  /** An HTTPS URL of this client's metadata document (used as client id where the server supports it). */
  clientMetadataUrl?: string;
  /**
   * Called when the user must authorize, with the URL to send them to (its `state` is already kept).
   * Returns the authorization code when it can finish without a person (the command-line client
   * follows the redirect itself); a page returns nothing and shows a Sign in button instead.
   */
  authorize(url: URL, state: string): Promise<string | undefined>;
}

/** How long after a refresh its tokens are taken to be the current ones (a refresh is one round trip). */
const RECENT_TOKENS_MS = 10_000;

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The SDK's `OAuthClientProvider` over a store of our own: the SDK does discovery, dynamic
 * registration, PKCE, the code exchange and refresh; this keeps what it hands over, per server,
 * and reports the authorization URL instead of navigating away on its own.
 */
export class McpOAuthProvider implements OAuthClientProvider {
  private record: McpOAuthRecord | undefined;
  private code: string | undefined;
  private tokensSavedAt = 0;
  /** The last authorization URL the SDK asked the user to visit. */
  authorizationUrl: URL | undefined;
  readonly clientMetadataUrl: string | undefined;

  constructor(private readonly options: McpOAuthProviderOptions) {
    this.clientMetadataUrl = options.clientMetadataUrl;
  }

  /** Reads the stored record once; the SDK asks for tokens before every request. */
  async ready(): Promise<McpOAuthRecord> {
    this.record ??= await this.options.store.load();
    return this.record;
  }

  private async update(change: (record: McpOAuthRecord) => void): Promise<void> {
    const record = await this.ready();
    change(record);
    await this.options.store.save(record);
  }

  get redirectUrl(): string {
    return this.options.redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const secret = this.options.clientSecret !== undefined;
    return {
      client_name: this.options.clientName ?? 'Hearth',
      redirect_uris: [this.options.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: secret ? 'client_secret_post' : 'none',
      ...(this.options.scope ? { scope: this.options.scope } : {}),
    };
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const stored = (await this.ready()).clientInformation;
    if (stored) return stored;
    if (this.options.clientId === undefined) return undefined;
    return {
      client_id: this.options.clientId,
      ...(this.options.clientSecret === undefined ? {} : { client_secret: this.options.clientSecret }),
    };
  }

  async saveClientInformation(information: OAuthClientInformationMixed): Promise<void> {
    await this.update((record) => (record.clientInformation = information));
  }

  async tokens(): Promise<OAuthTokens | undefined> {
    return (this.record ?? (await this.ready())).tokens;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.tokensSavedAt = Date.now();
    await this.update((record) => {
      record.tokens = tokens;
      delete record.codeVerifier;
    });
  }

  async saveCodeVerifier(codeVerifier: string): Promise<void> {
    await this.update((record) => (record.codeVerifier = codeVerifier));
  }

  async codeVerifier(): Promise<string> {
    const verifier = (await this.ready()).codeVerifier;
    if (!verifier)
      throw new Error('No sign-in is under way for this server (no PKCE verifier kept): sign in again.');
    return verifier;
  }

  state(): string {
    return randomState();
  }

  async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    await this.update((record) => (record.discovery = state));
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.ready()).discovery;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    // Two requests refused at once (an expired token) both refresh; where the server rotates refresh
    // tokens, the slower one is refused (invalid_grant) and the SDK would drop the tokens the faster one
    // just got, and send the user to sign in again. Tokens saved this recently are kept: the SDK then
    // refreshes with them instead.
    if (scope === 'tokens' && Date.now() - this.tokensSavedAt < RECENT_TOKENS_MS) return;
    await this.update((record) => {
      if (scope === 'all' || scope === 'client') delete record.clientInformation;
      if (scope === 'all' || scope === 'tokens') delete record.tokens;
      if (scope === 'all' || scope === 'verifier') delete record.codeVerifier;
      if (scope === 'all' || scope === 'discovery') delete record.discovery;
    });
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrl = url;
    this.code = await this.options.authorize(url, url.searchParams.get('state') ?? '');
    // The sign-in may finish elsewhere (the page the server sends the user back to, another tab): read
    // the store again next time instead of trusting what this provider kept.
    this.record = undefined;
  }

  /** The code `authorize` obtained without a person, once. */
  takeAuthorizationCode(): string | undefined {
    const code = this.code;
    this.code = undefined;
    return code;
  }
}
