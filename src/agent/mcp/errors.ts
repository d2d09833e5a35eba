import { HearthError } from '../../core/errors.ts';

/** The headers a server must send before a page on another origin may speak MCP with it. */
export const MCP_CORS_HEADERS = [
  'Access-Control-Allow-Origin: <this page’s origin, or *>',
  'Access-Control-Allow-Methods: GET, POST, DELETE',
  'Access-Control-Allow-Headers: Content-Type, Authorization, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID',
  'Access-Control-Expose-Headers: Mcp-Session-Id, Mcp-Protocol-Version',
] as const;

/** The codes of the MCP bridge, each with what the user does about it. */
export const MCP_ERROR_CODES = {
  MCP_CORS_REFUSED:
    "The MCP server answered but refuses this page's origin (CORS): the message lists the headers it must send; ask its owner to add them.",
  MCP_SERVER_UNREACHABLE:
    "The MCP server cannot be reached: check its URL and that it runs (if it runs, it may refuse this page's origin: the message lists the CORS headers it needs). Hearth keeps retrying.",
  MCP_SERVER_GONE:
    "The MCP server went away during the call, so its outcome is unknown: Hearth reconnects by itself; check the tool's effect before running it again.",
  MCP_SESSION_LOST:
    'The MCP server forgot this session (it restarted or expired it): Hearth opened a new one; run the call again (read-only tools are retried by themselves).',
  MCP_UNAUTHORIZED:
    "The MCP server refused the credentials (401): sign in again, or give a valid token in the server's settings.",
  MCP_FORBIDDEN:
    'The MCP server refused access (403): sign in again with an account allowed to use it, or ask its owner for access.',
  MCP_SIGN_IN_REQUIRED:
    "This MCP server needs you to sign in: press Sign in and finish on the server's page; Hearth connects when you come back.",
  MCP_SIGN_IN_FAILED:
    'Signing in to the MCP server did not finish (the message says why): sign in again from the server settings.',
  MCP_PROTOCOL_MISMATCH:
    'The MCP server speaks a protocol version Hearth does not (the message names both): update the server, or use one that speaks a version Hearth lists.',
  MCP_TIMEOUT:
    "The MCP server did not answer in time and the call was cancelled: try again, raise the tool's timeout, or check the server.",
  MCP_INVALID_RESPONSE:
    "The MCP server sent something that is not valid MCP (JSON-RPC): the message quotes it; report it to the server's author.",
  MCP_REQUEST_FAILED:
    'The MCP server answered the request with an error (the message quotes it): check the arguments, or the server.',
  MCP_TOOL_ERROR:
    "The MCP tool reported that it failed (its own words are in the message): change the arguments, or check the tool's server.",
  MCP_SCHEMA_UNUSABLE:
    "An MCP tool's input schema cannot be used (the message says why): the tool is left out of the agent's tools until its server fixes it.",
  MCP_CLOSED: 'This MCP connection was closed: connect to the server again to use it.',
} as const;

export type McpErrorCode = keyof typeof MCP_ERROR_CODES;

declare module '../../core/errors.ts' {
  interface HearthErrorCodes extends Record<McpErrorCode, true> {}
}

export function mcpError(
  code: McpErrorCode,
  message: string,
  options?: { cause?: unknown; details?: unknown },
): HearthError {
  return new HearthError(code, message, options);
}
