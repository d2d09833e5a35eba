import type { McpServerStore } from '../store.ts';

export interface SignOutResult {
  /** Which tokens the authorization server confirmed revoked (RFC 7009); empty where it offers no revocation. */
  revoked: Array<'refresh_token' | 'access_token'>;
}

/**
 * Signs out of one server: asks its authorization server to revoke the refresh and access tokens
 * where it offers revocation (RFC 7009), then forgets the tokens and the registration here, whether
 * or not the server agreed. The refresh token goes first: revoking it usually ends the grant.
 */
export async function signOutMcpServer(
  serverUrl: string,
  options: { store: McpServerStore; fetch?: typeof fetch },
): Promise<SignOutResult> {
  const record = await options.store.oauthStore(serverUrl).load();
  // RFC 7009's fields: in OAuth metadata, and kept by the SDK when the server is OpenID-configured too.
  const metadata = record.discovery?.authorizationServerMetadata as
    { revocation_endpoint?: string; revocation_endpoint_auth_methods_supported?: string[] } | undefined;
  const endpoint = metadata?.revocation_endpoint;
  const client = record.clientInformation;
  const revoked: SignOutResult['revoked'] = [];
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (endpoint && record.tokens && client) {
    const methods = metadata?.revocation_endpoint_auth_methods_supported ?? ['client_secret_post'];
    const secret = 'client_secret' in client ? client.client_secret : undefined;
    const basic =
      secret !== undefined &&
      methods.includes('client_secret_basic') &&
      !methods.includes('client_secret_post');
    const tokens = [
      ['refresh_token', record.tokens.refresh_token],
      ['access_token', record.tokens.access_token],
    ] as const;
    for (const [hint, token] of tokens) {
      if (!token) continue;
      const body = new URLSearchParams({ token, token_type_hint: hint });
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
      if (basic) {
        headers.authorization = `Basic ${btoa(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(secret)}`)}`;
      } else {
        body.set('client_id', client.client_id);
        if (secret !== undefined) body.set('client_secret', secret);
      }
      try {
        const response = await fetchImpl(endpoint, { method: 'POST', headers, body });
        await response.body?.cancel();
        if (response.ok) revoked.push(hint);
      } catch {
        // Unreachable: the tokens are forgotten here all the same, and expire on their own there.
      }
    }
  }
  await options.store.forgetSignIn(serverUrl);
  return { revoked };
}
