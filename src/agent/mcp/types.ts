import type { HearthError } from '../../core/errors.ts';

/** How Hearth signs in to an MCP server. */
export type McpAuth =
  | { kind: 'none' }
  /** A fixed token sent as `Authorization: Bearer …`. */
  | { kind: 'bearer'; token: string }
  /** OAuth 2.1 with PKCE through the SDK's client provider (tokens kept per server). */
  | {
      kind: 'oauth';
      /** Scopes to ask for when neither the server's challenge nor its metadata names any. */
      scope?: string;
      /** A pre-registered client; without one Hearth registers itself (dynamic client registration). */
      clientId?: string;
      clientSecret?: string;
      /** An HTTPS URL of this client's metadata document, used as its client id where the server allows. */
      clientMetadataUrl?: string;
    };

export type McpTransportKind = 'streamable-http' | 'sse';

/** One MCP server as the user configured it (persisted by the server store). */
export interface McpServerConfig {
  /**
   * Namespace of this server's tools (`<id>__<tool>`): 1–24 letters, digits, `_` or `-`, unique among
   * the servers an agent uses.
   */
  id: string;
  url: string;
  auth?: McpAuth;
  /** `auto` (default): Streamable HTTP, falling back to the older HTTP+SSE transport on a 4xx. */
  transport?: 'auto' | McpTransportKind;
  /** Per-call timeout of this server's tools, ms (default 60 s). */
  timeoutMs?: number;
  /**
   * `annotations` (default): a tool marked `destructiveHint` (or unmarked) asks first, one marked
   * `readOnlyHint` does not; `always`: every call asks. Annotations are the server's own claims.
   */
  approvals?: 'annotations' | 'always';
}

/** Where a connection stands; the Agents view shows it. */
export type McpConnectionState =
  | { status: 'connecting' }
  | { status: 'connected'; transport: McpTransportKind; protocolVersion: string; sessionId?: string }
  /** Lost the server; the next attempt runs in `retryInMs` (a call made meanwhile tries at once). */
  | { status: 'reconnecting'; attempt: number; retryInMs: number; error: HearthError }
  /** The server wants a sign-in through the browser: `authorizationUrl` is where to send the user. */
  | { status: 'needs-sign-in'; authorizationUrl?: string; error: HearthError }
  /** Gave up: the error is not one that retrying fixes (CORS, protocol version, credentials). */
  | { status: 'failed'; error: HearthError }
  | { status: 'closed' };

/** A server tool that is not offered to agents, and why. */
export interface McpToolProblem {
  /** The tool's name on its server. */
  tool: string;
  code: 'MCP_SCHEMA_UNUSABLE';
  reason: string;
}

export interface McpPromptInfo {
  name: string;
  title?: string;
  description?: string;
  arguments: Array<{ name: string; description?: string; required: boolean }>;
}

export interface McpResourceInfo {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface McpResourceTemplateInfo {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

/** What a connection tells its listeners. */
export type McpConnectionEvent =
  | { type: 'state'; state: McpConnectionState }
  | { type: 'tools-changed'; tools: number; problems: McpToolProblem[] }
  | { type: 'prompts-changed'; prompts: number }
  | { type: 'resources-changed'; resources: number }
  /** The server sent something the bridge could not use (kept for the UI and the logs). */
  | { type: 'warning'; error: HearthError };

export interface McpCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}
