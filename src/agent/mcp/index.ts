/**
 * The MCP bridge: MCP servers' tools as ordinary agent tools (src/agent/tool.ts), from a page or
 * from Node. The SDK itself loads on the first connection (its own chunk).
 */
export { connectMcpServer, createMcpConnection } from './connect.ts';
export { connectStoredServer } from './stored.ts';
export { mcpServerInputSchema, McpServerStore } from './store.ts';
export type { McpServerInput, McpServerRecord, McpServerStatus, PendingSignIn } from './store.ts';
export { browserOAuth, completeMcpSignIn, type BrowserOAuthOptions } from './oauth/browser.ts';
export { signOutMcpServer, type SignOutResult } from './oauth/sign-out.ts';
export { McpConnection, type McpConnectOptions } from './connection.ts';
export { MCP_CORS_HEADERS, MCP_ERROR_CODES, type McpErrorCode } from './errors.ts';
export { namespacedToolName, SERVER_ID_PATTERN } from './tool-names.ts';
export { approvalFor, DEFAULT_TOOL_TIMEOUT_MS } from './tools.ts';
export { McpOAuthProvider, type McpOAuthProviderOptions } from './oauth/provider.ts';
export { memoryOAuthStore, type McpOAuthRecord, type McpOAuthStore } from './oauth/record.ts';
export type * from './types.ts';
