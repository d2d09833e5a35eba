import type {
  CallToolResult,
  GetPromptResult,
  ReadResourceResult,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { AgentTool } from '../tool.ts';
import { ConnectionEvents, type McpConnectionListener } from './connection-state.ts';
import type { McpConnectOptions, ServerLink } from './connect-options.ts';
import { mcpError } from './errors.ts';
import { explainFailure } from './explain-failure.ts';
import type { McpSdk } from './load-sdk.ts';
import { runRequest } from './requests.ts';
import { ServerCatalog } from './server-catalog.ts';
import { SessionKeeper } from './session-keeper.ts';
import { checkToolOutput } from './tool-output.ts';
import { DEFAULT_TOOL_TIMEOUT_MS, type McpToolHost } from './tools.ts';
import type {
  McpConnectionState,
  McpPromptInfo,
  McpResourceInfo,
  McpResourceTemplateInfo,
  McpServerConfig,
  McpToolProblem,
} from './types.ts';

export type { McpConnectOptions } from './connect-options.ts';

/**
 * A live link to one MCP server: keeps a session open, reconnects with backoff when the server goes
 * away, opens a new session when the server forgets one, and offers the server's tools as agent
 * tools. Calls made while the server is away try to reconnect at once and fail with a coded error.
 *
 * This class is the public face; the work is done by its parts: `SessionKeeper` (sessions and
 * reconnecting), `ServerCatalog` (the lists), `runRequest` (one request, its timeout and retry).
 */
export class McpConnection implements McpToolHost {
  readonly url: URL;
  private readonly link: ServerLink;
  private readonly events = new ConnectionEvents();
  private readonly catalog: ServerCatalog;
  private readonly keeper: SessionKeeper;

  constructor(
    sdk: McpSdk,
    readonly config: McpServerConfig,
    options: McpConnectOptions = {},
  ) {
    this.url = new URL(config.url);
    const fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.link = { sdk, config, url: this.url, fetch, options };
    this.catalog = new ServerCatalog(this.link, this, this.events);
    this.keeper = new SessionKeeper(this.link, this.events, this.catalog);
  }

  get id(): string {
    return this.config.id;
  }

  get state(): McpConnectionState {
    return this.events.state;
  }

  /** The server's usable tools, as agent tools named `<server id>__<tool>`. */
  tools(): AgentTool[] {
    return this.catalog.lists.tools.map((entry) => entry.agentTool);
  }

  /** Server tools left out, and why (a malformed input schema, say). */
  toolProblems(): McpToolProblem[] {
    return [...this.catalog.lists.problems];
  }

  /** The server's own descriptions of its tools (names as the server spells them). */
  serverTools(): Tool[] {
    return this.catalog.lists.tools.map((entry) => entry.tool);
  }

  prompts(): McpPromptInfo[] {
    return [...this.catalog.lists.prompts];
  }

  resources(): McpResourceInfo[] {
    return [...this.catalog.lists.resources];
  }

  resourceTemplates(): McpResourceTemplateInfo[] {
    return [...this.catalog.lists.templates];
  }

  /** Listens to state changes, list changes and warnings; returns the unsubscribe function. */
  subscribe(listener: McpConnectionListener): () => void {
    return this.events.subscribe(listener);
  }

  /** The first connection: resolves when connected, rejects with the coded reason otherwise. */
  async start(): Promise<void> {
    await this.keeper.attemptNow();
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: Parameters<McpToolHost['callTool']>[2],
  ): Promise<CallToolResult> {
    const result = await runRequest(
      this.link,
      this.keeper,
      `calling ${name}`,
      { signal: options.signal, timeoutMs: options.timeoutMs, retry: options.readOnly },
      (session, signal, timeout) =>
        session.answered.track(
          (onresumptiontoken) =>
            session.client.callTool({ name, arguments: args }, undefined, {
              signal,
              timeout,
              onprogress: options.onProgress,
              onresumptiontoken,
            }) as Promise<CallToolResult>,
        ),
      (session, retry) =>
        options.onAttempt?.({
          transport: session.kind,
          retry,
          ...((session.transport as { sessionId?: string }).sessionId
            ? { session: (session.transport as { sessionId?: string }).sessionId }
            : {}),
        }),
    );
    return checkToolOutput(this.id, this.catalog.find(name), name, result);
  }

  /** Calls a server tool by the name the server gave it (tools() gives the same, as agent tools). */
  async call(
    name: string,
    args: Record<string, unknown> = {},
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ) {
    const tool = this.catalog.find(name)?.tool;
    return this.callTool(name, args, {
      signal: options.signal ?? new AbortController().signal,
      timeoutMs: options.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      readOnly: tool?.annotations?.readOnlyHint === true,
      onProgress: () => undefined,
    });
  }

  async getPrompt(
    name: string,
    args: Record<string, string> = {},
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<GetPromptResult> {
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    return runRequest(
      this.link,
      this.keeper,
      `getting prompt ${name}`,
      { ...options, timeoutMs, retry: true },
      (session, signal, timeout) =>
        session.answered.track((onresumptiontoken) =>
          session.client.getPrompt({ name, arguments: args }, { signal, timeout, onresumptiontoken }),
        ),
    );
  }

  async readResource(
    uri: string,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<ReadResourceResult> {
    const timeoutMs = options.timeoutMs ?? this.config.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    return runRequest(
      this.link,
      this.keeper,
      `reading ${uri}`,
      { ...options, timeoutMs, retry: true },
      (session, signal, timeout) =>
        session.answered.track((onresumptiontoken) =>
          session.client.readResource({ uri }, { signal, timeout, onresumptiontoken }),
        ),
    );
  }

  /** Lists tools, prompts and resources again (a list_changed notification does this by itself). */
  async refresh(options: { signal?: AbortSignal } = {}): Promise<void> {
    const session = await this.keeper.ready(options.signal);
    const lists = await this.catalog.read(session, 'listing').catch(async (error: unknown) => {
      throw await explainFailure(this.link, error, 'listing');
    });
    if (session === this.keeper.session) this.keeper.adopt(session, lists);
  }

  /** Tries again now (after a sign-in, or when the user fixed the server); resolves when connected. */
  async reconnect(): Promise<void> {
    if (this.keeper.live()) return;
    await this.keeper.attemptNow();
  }

  /** In a page: sends the user to the authorization server (state `needs-sign-in`). */
  signIn(navigate: (url: string) => void = (url) => globalThis.location.assign(url)): void {
    const state = this.events.state;
    if (state.status !== 'needs-sign-in' || !state.authorizationUrl) {
      throw mcpError('MCP_SIGN_IN_FAILED', `The MCP server "${this.id}" is not waiting for a sign-in.`);
    }
    navigate(state.authorizationUrl);
  }

  /** Ends the session (DELETE to the server where it supports it) and stops reconnecting. */
  close(): Promise<void> {
    return this.keeper.close();
  }
}
