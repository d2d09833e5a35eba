import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { BackoffOptions } from './backoff.ts';
import type { McpSdk } from './load-sdk.ts';
import type { McpOAuthProvider } from './oauth/provider.ts';
import type { StreamReconnect } from './session.ts';
import type { McpServerConfig } from './types.ts';

export interface McpConnectOptions {
  /** The fetch the transports use (default: the global one). */
  fetch?: typeof fetch;
  /** Cancels the first connection attempt. */
  signal?: AbortSignal;
  /** Required for `auth.kind === 'oauth'` (see `browserOAuth` and the command-line client). */
  oauth?: McpOAuthProvider;
  /** Answers a server's elicitation requests (form mode); without it the capability is not offered. */
  onElicit?: (request: ElicitRequest['params']) => Promise<ElicitResult>;
  clientInfo?: { name: string; version: string };
  /** Bound on `initialize` (and on each reconnect attempt), ms; default 30 s. */
  connectTimeoutMs?: number;
  /** Backoff between attempts to reach a server that went away. */
  reconnect?: Partial<BackoffOptions>;
  /** How the SDK resumes a dropped SSE stream (with Last-Event-ID) before Hearth calls the server gone. */
  streamReconnect?: Partial<StreamReconnect>;
}

export const DEFAULT_STREAM_RECONNECT: StreamReconnect = {
  initialDelayMs: 500,
  maxDelayMs: 5_000,
  factor: 2,
  maxRetries: 2,
};

/** What every part of a connection knows of its server: the parts share it instead of each keeping a copy. */
export interface ServerLink {
  readonly sdk: McpSdk;
  readonly config: McpServerConfig;
  readonly url: URL;
  readonly fetch: typeof fetch;
  readonly options: McpConnectOptions;
}

/** Bounds `initialize`, each reconnect attempt and each list read. */
export function connectTimeoutMs(link: ServerLink): number {
  return link.options.connectTimeoutMs ?? 30_000;
}
