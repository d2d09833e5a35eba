import { errorText } from '../cors.ts';
import { mcpError } from '../errors.ts';
import { loadMcpSdk } from '../load-sdk.ts';
import type { McpServerStore, PendingSignIn } from '../store.ts';
import type { McpServerConfig } from '../types.ts';
import { McpOAuthProvider } from './provider.ts';

export interface BrowserOAuthOptions {
  store: McpServerStore;
  /**
   * The page the authorization server sends the user back to; it calls `completeMcpSignIn`. Default:
   * this page's address without its query and fragment. Registered with the server, so keep it stable.
   */
  redirectUrl?: string;
  clientName?: string;
  fetch?: typeof fetch;
}

function defaultRedirectUrl(): string {
  const { origin, pathname } = globalThis.location;
  return `${origin}${pathname}`;
}

/**
 * The OAuth provider of one server in a page: tokens, registration and the PKCE verifier kept in
 * IndexedDB per server URL. When the server asks for a sign-in it records where the sign-in goes and
 * waits: the connection's state becomes `needs-sign-in`, and `connection.signIn()` (a person's click)
 * sends the user to the authorization server.
 */
export function browserOAuth(config: McpServerConfig, options: BrowserOAuthOptions): McpOAuthProvider {
  const auth = config.auth?.kind === 'oauth' ? config.auth : { kind: 'oauth' as const };
  return new McpOAuthProvider({
    store: options.store.oauthStore(config.url),
    redirectUrl: options.redirectUrl ?? defaultRedirectUrl(),
    clientName: options.clientName ?? 'Hearth',
    ...(auth.scope ? { scope: auth.scope } : {}),
    ...(auth.clientId ? { clientId: auth.clientId } : {}),
    ...(auth.clientSecret ? { clientSecret: auth.clientSecret } : {}),
    ...(auth.clientMetadataUrl ? { clientMetadataUrl: auth.clientMetadataUrl } : {}),
    authorize: async (_url, state) => {
      await options.store.savePendingSignIn({
        state,
        serverId: config.id,
        serverUrl: config.url,
        returnTo: globalThis.location.href,
        createdAt: Date.now(),
      });
      return undefined;
    },
  });
}

const signInFailed = (why: string, cause?: unknown) =>
  mcpError(
    'MCP_SIGN_IN_FAILED',
    `Signing in to the MCP server did not finish: ${why}.`,
    cause ? { cause } : undefined,
  );

/**
 * Finishes a sign-in on the page the authorization server sent the user back to: checks the
 * `state` against a sign-in this browser started, exchanges the code (with the PKCE verifier kept
 * when it started) for tokens, and keeps them for that server. Returns which server, and where the
 * user was when the sign-in started.
 */
export async function completeMcpSignIn(
  callbackUrl: string | URL,
  options: BrowserOAuthOptions,
): Promise<PendingSignIn> {
  const url = new URL(callbackUrl);
  const state = url.searchParams.get('state');
  if (!state) throw signInFailed('the address the server sent back has no state');
  const pending = await options.store.takePendingSignIn(state);
  if (!pending) throw signInFailed('this browser did not start that sign-in, or it took over 30 minutes');
  const error = url.searchParams.get('error');
  if (error)
    throw signInFailed(
      `the server refused (${[error, url.searchParams.get('error_description')].filter(Boolean).join(': ')})`,
    );
  const code = url.searchParams.get('code');
  if (!code) throw signInFailed('the address the server sent back has no code');
  const config = (await options.store.get(pending.serverId)) ?? {
    id: pending.serverId,
    url: pending.serverUrl,
  };
  if (config.url !== pending.serverUrl) throw signInFailed('the server’s address changed during the sign-in');
  const sdk = await loadMcpSdk();
  try {
    const result = await sdk.auth(browserOAuth(config, options), {
      serverUrl: pending.serverUrl,
      authorizationCode: code,
      ...(options.fetch ? { fetchFn: options.fetch } : {}),
    });
    if (result !== 'AUTHORIZED') throw new Error(`the server answered ${result}`);
  } catch (cause) {
    throw signInFailed(errorText(cause), cause);
  }
  return pending;
}
