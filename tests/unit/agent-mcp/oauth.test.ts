import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import {
  connectMcpServer,
  createMcpConnection,
  McpOAuthProvider,
  McpServerStore,
  memoryOAuthStore,
  signOutMcpServer,
} from '../../../src/agent/mcp/index.ts';
import { loadMcpSdk } from '../../../src/agent/mcp/load-sdk.ts';
import { headlessAuthorize } from '../../../scripts/mcp-client/headless-oauth.ts';
import { startOAuthServer, type OAuthTestServer } from '../../support/mcp/oauth-server.ts';

const REDIRECT = 'http://127.0.0.1:9/callback';
let server: OAuthTestServer;
beforeAll(async () => {
  server = await startOAuthServer({ accessTtlMs: 1_000 });
});
afterAll(() => server?.close());

const provider = (store = memoryOAuthStore()) =>
  new McpOAuthProvider({
    store,
    redirectUrl: REDIRECT,
    authorize: headlessAuthorize(REDIRECT, () => undefined),
  });

describe('OAuth through the SDK’s client provider', () => {
  it('signs in (discovery, registration, PKCE), refreshes an expired token, and signs out revoking it', async () => {
    const store = new McpServerStore('oauth-test');
    await store.add({ id: 'notes', url: server.url, auth: { kind: 'oauth' } });
    const oauth = new McpOAuthProvider({
      store: store.oauthStore(server.url),
      redirectUrl: REDIRECT,
      authorize: headlessAuthorize(REDIRECT, () => undefined),
    });
    const connection = await connectMcpServer(
      { id: 'notes', url: server.url, auth: { kind: 'oauth' } },
      { oauth },
    );
    const log = server.authorizationServer.log;
    expect(log).toMatchObject({ registrations: 1, authorizations: 1, codeExchanges: 1 });
    expect(await connection.call('echo', { message: 'signed in' })).toEqual({
      content: [{ type: 'text', text: 'Echo: signed in' }],
    });
    const kept = await store.oauthStore(server.url).load();
    expect(kept.tokens?.refresh_token).toMatch(/^rt-/);
    expect(kept.codeVerifier).toBeUndefined();

    // The access token lives 1 s: the next call is refused, refreshed by the SDK, and sent again.
    const refreshes = log.refreshes;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await connection.call('echo', { message: 'refreshed' })).toEqual({
      content: [{ type: 'text', text: 'Echo: refreshed' }],
    });
    expect(log.authorizations).toBe(1);
    expect(log.refreshes).toBe(refreshes + 1);
    await connection.close();

    const tokens = (await store.oauthStore(server.url).load()).tokens!;
    const result = await signOutMcpServer(server.url, { store });
    expect(result.revoked).toEqual(['refresh_token', 'access_token']);
    expect(log.revoked).toEqual([tokens.refresh_token, tokens.access_token]);
    expect(await store.oauthStore(server.url).load()).toEqual({});
    store.close();
  });

  it('asks for a sign-in when it cannot finish one by itself (a page shows Sign in)', async () => {
    const waiting = new McpOAuthProvider({
      store: memoryOAuthStore(),
      redirectUrl: REDIRECT,
      authorize: async () => undefined,
    });
    const error = await connectMcpServer(
      { id: 'notes', url: server.url, auth: { kind: 'oauth' } },
      { oauth: waiting },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isHearthError(error, 'MCP_SIGN_IN_REQUIRED')).toBe(true);
    expect(waiting.authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(waiting.authorizationUrl?.searchParams.get('redirect_uri')).toBe(REDIRECT);
  });

  it('connects once the sign-in was finished elsewhere (the page the server sent the user back to)', async () => {
    const store = memoryOAuthStore();
    const waiting = new McpOAuthProvider({ store, redirectUrl: REDIRECT, authorize: async () => undefined });
    const connection = await createMcpConnection(
      { id: 'notes', url: server.url, auth: { kind: 'oauth' } },
      { oauth: waiting },
    );
    await expect.poll(() => connection.state.status).toBe('needs-sign-in');
    const authorizationUrl =
      connection.state.status === 'needs-sign-in' ? connection.state.authorizationUrl! : '';
    // The person signs in; the server sends the browser back with a code, which another provider on the
    // same store (the callback page's) exchanges.
    const answer = await fetch(authorizationUrl, { redirect: 'manual' });
    const code = new URL(answer.headers.get('location')!).searchParams.get('code')!;
    const callbackPage = new McpOAuthProvider({
      store,
      redirectUrl: REDIRECT,
      authorize: async () => undefined,
    });
    const sdk = await loadMcpSdk();
    expect(await sdk.auth(callbackPage, { serverUrl: server.url, authorizationCode: code })).toBe(
      'AUTHORIZED',
    );
    const authorizations = server.authorizationServer.log.authorizations;
    await connection.reconnect();
    expect(connection.state.status).toBe('connected');
    expect(server.authorizationServer.log.authorizations).toBe(authorizations);
    await connection.close();
  });

  it('keeps one sign-in per server', async () => {
    const a = memoryOAuthStore();
    const first = await connectMcpServer(
      { id: 'a', url: server.url, auth: { kind: 'oauth' } },
      { oauth: provider(a) },
    );
    const before = server.authorizationServer.log.authorizations;
    await first.close();
    const again = await connectMcpServer(
      { id: 'a', url: server.url, auth: { kind: 'oauth' } },
      { oauth: provider(a) },
    );
    expect(server.authorizationServer.log.authorizations).toBe(before);
    await again.close();
  });
});
