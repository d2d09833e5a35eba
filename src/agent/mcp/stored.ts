import type { McpConnection, McpConnectOptions } from './connection.ts';
import { createMcpConnection } from './connect.ts';
import { browserOAuth, type BrowserOAuthOptions } from './oauth/browser.ts';
import type { McpServerRecord } from './store.ts';

/**
 * A connection to a server of the store (what the Agents view shows): signs in through the browser
 * when the server wants OAuth, and writes every state change back to the store.
 */
export async function connectStoredServer(
  record: McpServerRecord,
  options: BrowserOAuthOptions & Omit<McpConnectOptions, 'oauth'>,
): Promise<McpConnection> {
  const { store, redirectUrl, clientName, ...connect } = options;
  const oauth =
    record.auth?.kind === 'oauth'
      ? browserOAuth(record, {
          store,
          ...(redirectUrl ? { redirectUrl } : {}),
          ...(clientName ? { clientName } : {}),
          ...(connect.fetch ? { fetch: connect.fetch } : {}),
        })
      : undefined;
  const connection = await createMcpConnection(record, { ...connect, ...(oauth ? { oauth } : {}) });
  void store.recordStatus(record.id, connection.state);
  connection.subscribe((event) => {
    if (event.type === 'state') void store.recordStatus(record.id, event.state);
  });
  return connection;
}
