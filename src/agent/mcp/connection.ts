import type {
  CallToolResult,
  ElicitRequest,
  ElicitResult,
  GetPromptResult,
  ReadResourceResult,
  Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { abortError, type HearthError } from '../../core/errors.ts';
import type { AgentTool } from '../tool.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import {
  classifyFailure,
  describeInvalid,
  isInvalidMessage,
  isTransient,
  type SessionEnd,
} from './classify.ts';
import { errorText, explainNetworkFailure } from './cors.ts';
import { mcpError } from './errors.ts';
import type { McpSdk } from './load-sdk.ts';
import { emptyLists, listServer, type ServerLists } from './lists.ts';
import type { McpOAuthProvider } from './oauth/provider.ts';
import { openSession, type ListKind, type Session, type StreamReconnect } from './session.ts';
import { DEFAULT_TOOL_TIMEOUT_MS, type McpToolHost } from './tools.ts';
import type {
  McpConnectionEvent,
  McpConnectionState,
  McpPromptInfo,
  McpResourceInfo,
  McpResourceTemplateInfo,
  McpServerConfig,
  McpToolProblem,
} from './types.ts';

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

type Listener = (event: McpConnectionEvent) => void;

const DEFAULT_STREAM_RECONNECT: StreamReconnect = {
  initialDelayMs: 500,
  maxDelayMs: 5_000,
  factor: 2,
  maxRetries: 2,
};

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => (signal.removeEventListener('abort', onAbort), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', onAbort), reject(error)),
    );
  });
}

/**
 * A live link to one MCP server: keeps a session open, reconnects with backoff when the server goes
 * away, opens a new session when the server forgets one, and offers the server's tools as agent
 * tools. Calls made while the server is away try to reconnect at once and fail with a coded error.
 */
export class McpConnection implements McpToolHost {
  readonly url: URL;
  private session: Session | undefined;
  private current: McpConnectionState = { status: 'connecting' };
  private readonly listeners = new Set<Listener>();
  private attempt: Promise<Session> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: Backoff;
  private sessions = 0;
  private closed = false;
  private lists: ServerLists = emptyLists();
  private readonly fetch: typeof fetch;

  constructor(
    private readonly sdk: McpSdk,
    readonly config: McpServerConfig,
    private readonly options: McpConnectOptions = {},
  ) {
    this.url = new URL(config.url);
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.backoff = new Backoff(options.reconnect);
  }

  get id(): string {
    return this.config.id;
  }

  get state(): McpConnectionState {
    return this.current;
  }

  /** The server's usable tools, as agent tools named `<server id>__<tool>`. */
  tools(): AgentTool[] {
    return this.lists.tools.map((entry) => entry.agentTool);
  }

  /** Server tools left out, and why (a malformed input schema, say). */
  toolProblems(): McpToolProblem[] {
    return [...this.lists.problems];
  }

  /** The server's own descriptions of its tools (names as the server spells them). */
  serverTools(): Tool[] {
    return this.lists.tools.map((entry) => entry.tool);
  }

  prompts(): McpPromptInfo[] {
    return [...this.lists.prompts];
  }

  resources(): McpResourceInfo[] {
    return [...this.lists.resources];
  }

  resourceTemplates(): McpResourceTemplateInfo[] {
    return [...this.lists.templates];
  }

  /** Listens to state changes, list changes and warnings; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: McpConnectionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's own failure is not the connection's
      }
    }
  }

  private setState(state: McpConnectionState): void {
    this.current = state;
    this.emit({ type: 'state', state });
  }

  /** The first connection: resolves when connected, rejects with the coded reason otherwise. */
  async start(): Promise<void> {
    await this.attemptNow();
  }

  // ---- sessions -------------------------------------------------------------------------------

  private attemptNow(): Promise<Session> {
    if (this.closed)
      return Promise.reject(mcpError('MCP_CLOSED', `The connection to "${this.id}" was closed.`));
    if (this.attempt) return this.attempt;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.current.status !== 'reconnecting') this.setState({ status: 'connecting' });
    const attempt = this.open().finally(() => {
      if (this.attempt === attempt) this.attempt = undefined;
    });
    this.attempt = attempt;
    attempt.catch((error: HearthError) => this.afterFailure(error));
    return attempt;
  }

  private async open(): Promise<Session> {
    const n = ++this.sessions;
    const events = {
      networkFailure: (s: Session, error: unknown) => this.lose(s, 'server-gone', error),
      sessionExpired: (s: Session, status: number) => this.lose(s, 'session-lost', `HTTP ${status}`),
      transportError: (s: Session, error: unknown) => this.onTransportError(s, error),
      closed: (s: Session) => this.lose(s, 'server-gone', 'the transport closed'),
      listChanged: (s: Session, list: ListKind) => void this.refreshList(s, list),
    };
    let session: Session | undefined;
    try {
      session = await openSession(
        {
          sdk: this.sdk,
          config: this.config,
          url: this.url,
          fetch: this.fetch,
          ...(this.options.oauth ? { oauth: this.options.oauth } : {}),
          clientInfo: this.options.clientInfo ?? { name: 'hearth', version: '0.1.0' },
          ...(this.options.onElicit ? { onElicit: this.options.onElicit } : {}),
          connectTimeoutMs: this.options.connectTimeoutMs ?? 30_000,
          streamReconnect: { ...DEFAULT_STREAM_RECONNECT, ...this.options.streamReconnect },
          ...(this.options.signal && n === 1 ? { signal: this.options.signal } : {}),
          events,
        },
        n,
      );
      const opened = session;
      const lists = await this.withHeadlessSignIn(opened, () =>
        listServer(this.sdk, opened, this, {
          doing: 'listing its tools',
          timeoutMs: this.options.connectTimeoutMs ?? 30_000,
        }),
      );
      if (this.closed) throw mcpError('MCP_CLOSED', `The connection to "${this.id}" was closed.`);
      this.adopt(session, lists);
      return session;
    } catch (error) {
      if (session) void session.client.close().catch(() => undefined);
      if (this.options.signal?.aborted && n === 1) throw abortError(this.options.signal.reason);
      throw await this.explain(error, 'connecting');
    }
  }

  /**
   * Runs `work`; when the server asked for a sign-in that the OAuth provider finished without a
   * person (the command-line client), exchanges the code on this session's transport and runs it
   * once more. In a page the provider never has a code, and the sign-in error goes to the caller.
   */
  private async withHeadlessSignIn<T>(session: Session, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const code =
        error instanceof this.sdk.UnauthorizedError ? this.options.oauth?.takeAuthorizationCode() : undefined;
      if (code === undefined) throw error;
      await session.transport.finishAuth(code);
      return work();
    }
  }

  private async explain(error: unknown, doing: string): Promise<HearthError> {
    const failure = classifyFailure(this.sdk, error, {
      server: this.id,
      url: this.url,
      oauth: this.options.oauth !== undefined,
      doing,
      timeoutMs: this.options.connectTimeoutMs ?? 30_000,
    });
    if (failure.code !== 'MCP_SERVER_UNREACHABLE') return failure;
    return explainNetworkFailure(this.fetch, this.url, failure.cause ?? error);
  }

  private adopt(session: Session, lists: ServerLists): void {
    const previous = this.session;
    this.session = session;
    for (const { list, error } of lists.failures) {
      void this.explain(error, `listing its ${list}`).then((failure) =>
        this.emit({ type: 'warning', error: failure }),
      );
    }
    this.backoff.reset();
    const before = this.lists;
    this.lists = lists;
    const transport = session.transport as { sessionId?: string; protocolVersion?: string };
    this.setState({
      status: 'connected',
      transport: session.kind,
      protocolVersion: transport.protocolVersion ?? '',
      ...(transport.sessionId ? { sessionId: transport.sessionId } : {}),
    });
    if (previous && previous !== session) void previous.client.close().catch(() => undefined);
    if (
      before.tools.length !== lists.tools.length ||
      before.tools.some((t, i) => t.agentTool.name !== lists.tools[i]?.agentTool.name) ||
      lists.problems.length !== before.problems.length
    ) {
      this.emit({ type: 'tools-changed', tools: lists.tools.length, problems: [...lists.problems] });
    }
  }

  private afterFailure(error: HearthError): void {
    if (this.closed) return;
    if (error.code === 'MCP_SIGN_IN_REQUIRED') {
      const url = this.options.oauth?.authorizationUrl?.href;
      this.setState({ status: 'needs-sign-in', ...(url ? { authorizationUrl: url } : {}), error });
      return;
    }
    if (!isTransient(error) && error.code !== 'ABORTED') {
      this.setState({ status: 'failed', error });
      return;
    }
    const delay = this.backoff.next();
    this.setState({ status: 'reconnecting', attempt: this.backoff.attempts, retryInMs: delay, error });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.attemptNow().catch(() => undefined);
    }, delay);
  }

  /** Ends `session` (if it is the live one): its calls in flight fail with the reason, and a new one is opened. */
  private lose(session: Session, why: SessionEnd, cause: unknown): void {
    if (session !== this.session || session.ended || this.closed) return;
    session.ended = why;
    this.session = undefined;
    const error =
      why === 'session-lost'
        ? mcpError(
            'MCP_SESSION_LOST',
            `The MCP server "${this.id}" forgot the session (${errorText(cause)}).`,
          )
        : mcpError('MCP_SERVER_GONE', `The MCP server "${this.id}" went away: ${errorText(cause)}.`);
    this.emit({ type: 'warning', error });
    this.setState({ status: 'reconnecting', attempt: 0, retryInMs: 0, error });
    // Closing rejects the session's pending requests (they are answered on streams that are gone).
    setTimeout(() => void session.client.close().catch(() => undefined), 0);
    this.attemptNow().catch(() => undefined);
  }

  private onTransportError(session: Session, error: unknown): void {
    const text = errorText(error);
    if (isInvalidMessage(error)) {
      session.invalidMessage = describeInvalid(error);
      this.emit({
        type: 'warning',
        error: mcpError(
          'MCP_INVALID_RESPONSE',
          `The MCP server "${this.id}" sent an invalid message: ${session.invalidMessage}`,
        ),
      });
      return;
    }
    if (error instanceof this.sdk.SseError && session.kind === 'sse') {
      this.lose(session, 'server-gone', error);
      return;
    }
    if (/Maximum reconnection attempts/i.test(text)) {
      this.lose(session, 'server-gone', 'its event stream could not be resumed');
      return;
    }
    // A stream dropped. The SDK resumes it (Last-Event-ID) when it can; a ping tells whether the server is still
    // there (a refused ping is a network failure, which ends the session).
    if (/SSE stream disconnected/i.test(text) && session === this.session && !session.pinging) {
      session.pinging = true;
      session.answered
        .track((onresumptiontoken) => session.client.ping({ timeout: 5_000, onresumptiontoken }))
        .catch(() => undefined)
        .finally(() => (session.pinging = false));
    }
  }

  private async refreshList(session: Session, list: ListKind): Promise<void> {
    if (session !== this.session) return;
    try {
      const lists = await listServer(this.sdk, session, this, {
        only: list,
        previous: this.lists,
        doing: `refreshing its ${list}`,
        timeoutMs: this.options.connectTimeoutMs ?? 30_000,
      });
      if (session !== this.session) return;
      this.lists = lists;
      if (list === 'tools')
        this.emit({ type: 'tools-changed', tools: lists.tools.length, problems: [...lists.problems] });
      if (list === 'prompts') this.emit({ type: 'prompts-changed', prompts: lists.prompts.length });
      if (list === 'resources') this.emit({ type: 'resources-changed', resources: lists.resources.length });
    } catch (error) {
      this.emit({ type: 'warning', error: await this.explain(error, `refreshing its ${list}`) });
    }
  }

  // ---- requests -------------------------------------------------------------------------------

  /** The live session, or one opened now (bounded by `signal`). */
  private async ready(signal: AbortSignal | undefined): Promise<Session> {
    if (this.closed) throw mcpError('MCP_CLOSED', `The connection to "${this.id}" was closed.`);
    if (this.session && !this.session.ended) return this.session;
    return raceAbort(this.attemptNow(), signal);
  }

  /**
   * Runs one request on the live session. A session lost before the answer came is retried once on
   * the new session when `retry` allows (read-only tools, listing, reading); a sign-in finished
   * without a person (the command-line client's step-up) is retried once too.
   */
  private async request<T>(
    doing: string,
    options: { signal?: AbortSignal; timeoutMs: number; retry: boolean },
    run: (session: Session, signal: AbortSignal, remainingMs: number) => Promise<T>,
    onAttempt?: (session: Session, retry: boolean) => void,
  ): Promise<T> {
    const started = performance.now();
    for (let round = 0; ; round++) {
      let session: Session;
      // Waiting for a session is bounded by the call's own timeout (only built when there is a wait).
      const live = this.session && !this.session.ended ? this.session : undefined;
      const deadline = live
        ? undefined
        : AbortSignal.timeout(Math.max(1, Math.round(options.timeoutMs - (performance.now() - started))));
      try {
        session =
          live ??
          (await this.ready(options.signal ? AbortSignal.any([options.signal, deadline!]) : deadline));
      } catch (error) {
        if (options.signal?.aborted) throw abortError(options.signal.reason);
        if (deadline?.aborted) {
          throw mcpError(
            'MCP_TIMEOUT',
            `The MCP server "${this.id}" could not be reached within ${options.timeoutMs} ms (${doing}).`,
            { cause: error },
          );
        }
        throw error;
      }
      onAttempt?.(session, round > 0);
      try {
        // The SDK's own timeout (which sends notifications/cancelled) is the deadline; the
        // caller's signal is passed as is, so an abort also sends notifications/cancelled.
        const remainingMs = Math.max(1, Math.round(options.timeoutMs - (performance.now() - started)));
        return await run(session, options.signal ?? new AbortController().signal, remainingMs);
      } catch (error) {
        if (options.signal?.aborted) throw abortError(options.signal.reason);
        const code =
          error instanceof this.sdk.UnauthorizedError
            ? this.options.oauth?.takeAuthorizationCode()
            : undefined;
        if (code !== undefined && round === 0) {
          await session.transport.finishAuth(code);
          continue;
        }
        const failure = classifyFailure(this.sdk, error, {
          server: this.id,
          url: this.url,
          oauth: this.options.oauth !== undefined,
          doing,
          timeoutMs: options.timeoutMs,
          ...(session.ended ? { ended: session.ended } : {}),
          ...(session.invalidMessage ? { invalidMessage: session.invalidMessage } : {}),
        });
        if (failure.code === 'MCP_SESSION_LOST' && options.retry && round === 0) continue;
        if (failure.code === 'MCP_SIGN_IN_REQUIRED' || failure.code === 'MCP_UNAUTHORIZED')
          this.afterFailure(failure);
        throw failure;
      }
    }
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: Parameters<McpToolHost['callTool']>[2],
  ): Promise<CallToolResult> {
    const result = await this.request(
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
    return this.checkOutput(name, result);
  }

  /** A tool with an output schema must give structured content that fits it (what the SDK's listTools path checks). */
  private checkOutput(name: string, result: CallToolResult): CallToolResult {
    const output = this.lists.tools.find((entry) => entry.tool.name === name)?.output;
    if (!output || result.isError) return result;
    const where = `The MCP server "${this.id}"`;
    if (result.structuredContent === undefined) {
      throw mcpError(
        'MCP_INVALID_RESPONSE',
        `${where} gave ${name}'s result without the structured content its output schema promises.`,
        {
          details: result,
        },
      );
    }
    const checked = output.parse(result.structuredContent);
    if (!checked.success) {
      throw mcpError(
        'MCP_INVALID_RESPONSE',
        `${where} gave ${name}'s result in another shape than its output schema: ${checked.error}`,
        {
          details: result,
        },
      );
    }
    return result;
  }

  /** Calls a server tool by the name the server gave it (tools() gives the same, as agent tools). */
  async call(
    name: string,
    args: Record<string, unknown> = {},
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ) {
    const tool = this.lists.tools.find((entry) => entry.tool.name === name)?.tool;
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
    return this.request(
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
    return this.request(
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
    const session = await this.ready(options.signal);
    const lists = await listServer(this.sdk, session, this, {
      doing: 'listing',
      timeoutMs: this.options.connectTimeoutMs ?? 30_000,
    }).catch(async (error: unknown) => {
      throw await this.explain(error, 'listing');
    });
    if (session === this.session) this.adopt(session, lists);
  }

  /** Tries again now (after a sign-in, or when the user fixed the server); resolves when connected. */
  async reconnect(): Promise<void> {
    if (this.session && !this.session.ended) return;
    await this.attemptNow();
  }

  /** In a page: sends the user to the authorization server (state `needs-sign-in`). */
  signIn(navigate: (url: string) => void = (url) => globalThis.location.assign(url)): void {
    if (this.current.status !== 'needs-sign-in' || !this.current.authorizationUrl) {
      throw mcpError('MCP_SIGN_IN_FAILED', `The MCP server "${this.id}" is not waiting for a sign-in.`);
    }
    navigate(this.current.authorizationUrl);
  }

  /** Ends the session (DELETE to the server where it supports it) and stops reconnecting. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    const session = this.session;
    this.session = undefined;
    if (session) {
      session.ended = 'closed';
      const transport = session.transport as { terminateSession?: () => Promise<void> };
      await transport.terminateSession?.().catch(() => undefined);
      await session.client.close().catch(() => undefined);
    }
    this.setState({ status: 'closed' });
  }
}
