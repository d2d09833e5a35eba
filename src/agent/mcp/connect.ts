import { HearthError } from '../../core/errors.ts';
import { McpConnection, type McpConnectOptions } from './connection.ts';
import { loadMcpSdk } from './load-sdk.ts';
import { SERVER_ID_PATTERN } from './tool-names.ts';
import type { McpServerConfig } from './types.ts';

function checkConfig(config: McpServerConfig): void {
  if (!SERVER_ID_PATTERN.test(config.id)) {
    throw new HearthError(
      'INVALID_INPUT',
      `MCP server id "${config.id}": use 1–24 letters, digits, '_' or '-'.`,
    );
  }
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new HearthError('INVALID_INPUT', `MCP server url "${config.url}" is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HearthError('INVALID_INPUT', `MCP server url "${config.url}": use http:// or https://.`);
  }
  if (
    config.auth?.kind === 'oauth' &&
    config.auth.clientMetadataUrl &&
    !config.auth.clientMetadataUrl.startsWith('https://')
  ) {
    throw new HearthError('INVALID_INPUT', 'An OAuth client metadata URL must be an https:// URL.');
  }
}

/**
 * A connection that connects in the background and keeps reconnecting: its `state` and events say
 * where it stands (the Agents view's way in).
 */
export async function createMcpConnection(
  config: McpServerConfig,
  options: McpConnectOptions = {},
): Promise<McpConnection> {
  checkConfig(config);
  const connection = new McpConnection(await loadMcpSdk(), config, options);
  connection.start().catch(() => undefined);
  return connection;
}

/** Connects to one server: resolves once its tools are listed, rejects with a coded error if it cannot. */
export async function connectMcpServer(
  config: McpServerConfig,
  options: McpConnectOptions = {},
): Promise<McpConnection> {
  checkConfig(config);
  const connection = new McpConnection(await loadMcpSdk(), config, options);
  try {
    await connection.start();
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}
