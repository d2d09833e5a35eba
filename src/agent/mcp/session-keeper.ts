import { abortError, type HearthError } from '../../core/errors.ts';
import { Backoff } from './backoff.ts';
import { isTransient, type SessionEnd } from './classify.ts';
import type { ConnectionEvents } from './connection-state.ts';
import { connectTimeoutMs, DEFAULT_STREAM_RECONNECT, type ServerLink } from './connect-options.ts';
import { errorText } from './cors.ts';
import { mcpError } from './errors.ts';
import { explainFailure } from './explain-failure.ts';
import type { ServerLists } from './lists.ts';
import { raceAbort } from './race-abort.ts';
import type { ServerCatalog } from './server-catalog.ts';
import { openSession, type ListKind, type Session } from './session.ts';
import { onTransportError } from './transport-errors.ts';

/**
 * Keeps one session open: opens it (and lists the server on it), reconnects with backoff when the
 * server goes away, opens a new one when the server forgets it, and stops for good on `close`.
 */
export class SessionKeeper {
  /** The live session, if any (it may have ended a moment ago: see `live`). */
  session: Session | undefined;
  private attempt: Promise<Session> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly backoff: Backoff;
  private opened = 0;
  private closed = false;

  constructor(
    private readonly link: ServerLink,
    private readonly events: ConnectionEvents,
    private readonly catalog: ServerCatalog,
  ) {
    this.backoff = new Backoff(link.options.reconnect);
  }

  private get id(): string {
    return this.link.config.id;
  }

  private closedError(): HearthError {
    return mcpError('MCP_CLOSED', `The connection to "${this.id}" was closed.`);
  }

  /** The session requests can go to now, without waiting. */
  live(): Session | undefined {
    return this.session && !this.session.ended ? this.session : undefined;
  }

  /** The live session, or one opened now (bounded by `signal`). */
  async ready(signal: AbortSignal | undefined): Promise<Session> {
    if (this.closed) throw this.closedError();
    if (this.session && !this.session.ended) return this.session;
    return raceAbort(this.attemptNow(), signal);
  }

  /** Opens a session now, or joins the attempt under way; a failure schedules the next try. */
  attemptNow(): Promise<Session> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.attempt) return this.attempt;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.events.state.status !== 'reconnecting') this.events.setState({ status: 'connecting' });
    const attempt = this.open().finally(() => {
      if (this.attempt === attempt) this.attempt = undefined;
    });
    this.attempt = attempt;
    attempt.catch((error: HearthError) => this.afterFailure(error));
    return attempt;
  }

  private async open(): Promise<Session> {
    const n = ++this.opened;
    const { link } = this;
    const isLive = (s: Session) => s === this.session;
    const events = {
      networkFailure: (s: Session, error: unknown) => this.lose(s, 'server-gone', error),
      sessionExpired: (s: Session, status: number) => this.lose(s, 'session-lost', `HTTP ${status}`),
      transportError: (s: Session, error: unknown) =>
        onTransportError(
          { sdk: link.sdk, server: this.id, events: this.events, isLive, lose: (...a) => this.lose(...a) },
          s,
          error,
        ),
      closed: (s: Session) => this.lose(s, 'server-gone', 'the transport closed'),
      listChanged: (s: Session, list: ListKind) => void this.catalog.refreshList(s, list, isLive),
    };
    let session: Session | undefined;
    try {
      session = await openSession(
        {
          sdk: link.sdk,
          config: link.config,
          url: link.url,
          fetch: link.fetch,
          ...(link.options.oauth ? { oauth: link.options.oauth } : {}),
          clientInfo: link.options.clientInfo ?? { name: 'hearth', version: '0.1.0' },
          ...(link.options.onElicit ? { onElicit: link.options.onElicit } : {}),
          connectTimeoutMs: connectTimeoutMs(link),
          streamReconnect: { ...DEFAULT_STREAM_RECONNECT, ...link.options.streamReconnect },
          // Only the first attempt is the caller's to cancel; reconnects belong to the connection.
          ...(link.options.signal && n === 1 ? { signal: link.options.signal } : {}),
          events,
        },
        n,
      );
      const opened = session;
      const lists = await this.withHeadlessSignIn(opened, () =>
        this.catalog.read(opened, 'listing its tools'),
      );
      if (this.closed) throw this.closedError();
      this.adopt(session, lists);
      return session;
    } catch (error) {
      if (session) void session.client.close().catch(() => undefined);
      if (link.options.signal?.aborted && n === 1) throw abortError(link.options.signal.reason);
      throw await explainFailure(link, error, 'connecting');
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
        error instanceof this.link.sdk.UnauthorizedError
          ? this.link.options.oauth?.takeAuthorizationCode()
          : undefined;
      if (code === undefined) throw error;
      await session.transport.finishAuth(code);
      return work();
    }
  }

  /** Makes `session` the live one with what it lists, and closes the one it replaces. */
  adopt(session: Session, lists: ServerLists): void {
    const previous = this.session;
    this.session = session;
    this.backoff.reset();
    const toolsChanged = this.catalog.replace(lists);
    const transport = session.transport as { sessionId?: string; protocolVersion?: string };
    this.events.setState({
      status: 'connected',
      transport: session.kind,
      protocolVersion: transport.protocolVersion ?? '',
      ...(transport.sessionId ? { sessionId: transport.sessionId } : {}),
    });
    if (previous && previous !== session) void previous.client.close().catch(() => undefined);
    if (toolsChanged) this.catalog.announceTools();
  }

  /** Sets the state a failure leads to: waiting for a sign-in, failed for good, or a retry after a backoff. */
  afterFailure(error: HearthError): void {
    if (this.closed) return;
    if (error.code === 'MCP_SIGN_IN_REQUIRED') {
      const url = this.link.options.oauth?.authorizationUrl?.href;
      this.events.setState({ status: 'needs-sign-in', ...(url ? { authorizationUrl: url } : {}), error });
      return;
    }
    if (!isTransient(error) && error.code !== 'ABORTED') {
      this.events.setState({ status: 'failed', error });
      return;
    }
    const delay = this.backoff.next();
    this.events.setState({ status: 'reconnecting', attempt: this.backoff.attempts, retryInMs: delay, error });
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
    this.events.emit({ type: 'warning', error });
    this.events.setState({ status: 'reconnecting', attempt: 0, retryInMs: 0, error });
    // Closing rejects the session's pending requests (they are answered on streams that are gone).
    setTimeout(() => void session.client.close().catch(() => undefined), 0);
    this.attemptNow().catch(() => undefined);
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
    this.events.setState({ status: 'closed' });
  }
}
