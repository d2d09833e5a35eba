/**
 * An OAuth-protected MCP server on loopback, built from the SDK's own server-side auth pieces: an
 * authorization server (mcpAuthRouter: metadata, dynamic registration, authorize with PKCE, token,
 * refresh, revocation) on one port, and the MCP server (protected resource metadata, bearer check,
 * the test server's tools) on another. The authorization endpoint approves at once and redirects,
 * as if the user had signed in and consented. Access tokens live `accessTtlMs`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { InvalidGrantError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type {
  OAuthServerProvider,
  AuthorizationParams,
} from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import {
  createOAuthMetadata,
  mcpAuthMetadataRouter,
  mcpAuthRouter,
} from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { close, createTestServerHandler, listen, type TestServerHandler } from './test-server.ts';

interface Grant {
  clientId: string;
  scopes: string[];
  resource?: string;
}

class TestAuthorizationServer implements OAuthServerProvider {
  readonly clients = new Map<string, OAuthClientInformationFull>();
  readonly codes = new Map<string, Grant & { challenge: string; redirectUri: string }>();
  readonly access = new Map<string, Grant & { expiresAt: number }>();
  readonly refresh = new Map<string, Grant>();
  /** What happened, for the tests to check. */
  readonly log = {
    authorizations: 0,
    codeExchanges: 0,
    refreshes: 0,
    revoked: [] as string[],
    registrations: 0,
  };

  constructor(private readonly accessTtlMs: number) {}

  get clientsStore(): OAuthRegisteredClientsStore {
    return {
      getClient: async (id) => this.clients.get(id),
      registerClient: async (client) => {
        this.log.registrations++;
        const full = client as OAuthClientInformationFull;
        this.clients.set(full.client_id, full);
        return full;
      },
    };
  }

  async authorize(client: OAuthClientInformationFull, params: AuthorizationParams, res: express.Response) {
    this.log.authorizations++;
    const code = randomUUID();
    this.codes.set(code, {
      clientId: client.client_id,
      scopes: params.scopes ?? [],
      challenge: params.codeChallenge,
      redirectUri: params.redirectUri,
      ...(params.resource ? { resource: params.resource.href } : {}),
    });
    const target = new URL(params.redirectUri);
    target.searchParams.set('code', code);
    if (params.state !== undefined) target.searchParams.set('state', params.state);
    res.redirect(target.href);
  }

  async challengeForAuthorizationCode(_client: OAuthClientInformationFull, code: string) {
    const grant = this.codes.get(code);
    if (!grant) throw new InvalidGrantError('unknown code');
    return grant.challenge;
  }

  private issue(grant: Grant): OAuthTokens {
    const accessToken = `at-${randomUUID()}`;
    const refreshToken = `rt-${randomUUID()}`;
    this.access.set(accessToken, { ...grant, expiresAt: Date.now() + this.accessTtlMs });
    this.refresh.set(refreshToken, grant);
    return {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: Math.ceil(this.accessTtlMs / 1000),
      refresh_token: refreshToken,
      scope: grant.scopes.join(' '),
    };
  }

  async exchangeAuthorizationCode(client: OAuthClientInformationFull, code: string) {
    const grant = this.codes.get(code);
    if (!grant || grant.clientId !== client.client_id) throw new InvalidGrantError('invalid code');
    this.codes.delete(code);
    this.log.codeExchanges++;
    return this.issue(grant);
  }

  async exchangeRefreshToken(client: OAuthClientInformationFull, token: string) {
    const grant = this.refresh.get(token);
    if (!grant || grant.clientId !== client.client_id) throw new InvalidGrantError('invalid refresh token');
    this.refresh.delete(token); // rotated: a refresh token is good once
    this.log.refreshes++;
    return this.issue(grant);
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    const grant = this.access.get(token);
    if (!grant) throw new InvalidTokenError('unknown or revoked token');
    if (grant.expiresAt < Date.now()) throw new InvalidTokenError('token expired');
    return {
      token,
      clientId: grant.clientId,
      scopes: grant.scopes,
      expiresAt: Math.floor(grant.expiresAt / 1000),
      ...(grant.resource ? { resource: new URL(grant.resource) } : {}),
    };
  }

  async revokeToken(_client: OAuthClientInformationFull, request: { token: string }) {
    if (this.access.delete(request.token) || this.refresh.delete(request.token))
      this.log.revoked.push(request.token);
  }
}

export interface OAuthTestServer {
  /** The protected MCP endpoint. */
  url: string;
  authorizationServer: TestAuthorizationServer;
  mcp: TestServerHandler;
  close(): Promise<void>;
}

export async function startOAuthServer(options: { accessTtlMs?: number } = {}): Promise<OAuthTestServer> {
  const provider = new TestAuthorizationServer(options.accessTtlMs ?? 3_600_000);
  const noLimit = { rateLimit: false } as const;

  const asServer = http.createServer();
  const asPort = await listen(asServer);
  const issuerUrl = new URL(`http://127.0.0.1:${asPort}/`);
  const as = express();
  as.use(
    mcpAuthRouter({
      provider,
      issuerUrl,
      scopesSupported: ['notes:read'],
      authorizationOptions: noLimit,
      tokenOptions: noLimit,
      clientRegistrationOptions: noLimit,
      revocationOptions: noLimit,
    }),
  );
  asServer.on('request', as);

  const rsServer = http.createServer();
  const rsPort = await listen(rsServer);
  const mcpUrl = new URL(`http://127.0.0.1:${rsPort}/mcp`);
  const mcp = createTestServerHandler({ cors: 'full' });
  const rs = express();
  // CORS for a page on another origin, on every answer (401s included: the browser must read WWW-Authenticate).
  rs.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate');
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
    res.setHeader(
      'Access-Control-Allow-Headers',
      'Content-Type, Authorization, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
    );
    res.status(204).end();
  });
  rs.use(
    mcpAuthMetadataRouter({
      oauthMetadata: createOAuthMetadata({ provider, issuerUrl, scopesSupported: ['notes:read'] }),
      resourceServerUrl: mcpUrl,
      scopesSupported: ['notes:read'],
    }),
  );
  const bearer = requireBearerAuth({
    verifier: provider,
    resourceMetadataUrl: `http://127.0.0.1:${rsPort}/.well-known/oauth-protected-resource/mcp`,
  });
  rs.all('/mcp', bearer, (req, res) => void mcp(req, res));
  rsServer.on('request', rs);

  return {
    url: mcpUrl.href,
    authorizationServer: provider,
    mcp,
    async close() {
      await mcp.closeSessions();
      await Promise.all([close(asServer), close(rsServer)]);
    },
  };
}
