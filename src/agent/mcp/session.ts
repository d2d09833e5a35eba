import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { AnsweredStreams } from './answered-streams.ts';
import type { SessionEnd } from './classify.ts';
import type { McpSdk } from './load-sdk.ts';
import type { McpOAuthProvider } from './oauth/provider.ts';
import { observedFetch } from './observed-fetch.ts';
import type { McpServerConfig, McpTransportKind } from './types.ts';

type Client = InstanceType<McpSdk['Client']>;
type Transport =
  InstanceType<McpSdk['StreamableHTTPClientTransport']> | InstanceType<McpSdk['SSEClientTransport']>;

/** One MCP session: a client on one transport, from `initialize` until it ends. */
export interface Session {
  readonly n: number;
  kind: McpTransportKind;
  client: Client;
  transport: Transport;
  ended?: SessionEnd;
  /** The last message the server sent that was not valid JSON-RPC (quoted when a call then times out). */
  invalidMessage?: string;
  pinging?: boolean;
  /** Requests go through `answered.track`, so a stream that has its answer is not reopened. */
  answered: AnsweredStreams;
}

export type ListKind = 'tools' | 'prompts' | 'resources';

/** What a session reports to its connection. */
export interface SessionEvents {
  networkFailure(session: Session, error: unknown): void;
  sessionExpired(session: Session, status: number): void;
  transportError(session: Session, error: unknown): void;
  closed(session: Session): void;
  listChanged(session: Session, list: ListKind): void;
}

export interface StreamReconnect {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  maxRetries: number;
}

export interface SessionSetup {
  sdk: McpSdk;
  config: McpServerConfig;
  url: URL;
  fetch: typeof fetch;
  oauth?: McpOAuthProvider;
  clientInfo: { name: string; version: string };
  onElicit?: (request: ElicitRequest['params']) => Promise<ElicitResult>;
  connectTimeoutMs: number;
  streamReconnect: StreamReconnect;
  signal?: AbortSignal;
  events: SessionEvents;
}

/** A fresh client and transport of `kind` whose requests the session's connection observes. */
function createSession(setup: SessionSetup, n: number, kind: McpTransportKind): Session {
  const { sdk, config, events } = setup;
  const session = { n, kind, answered: new AnsweredStreams() } as Session;
  const fetch = observedFetch(setup.fetch, {
    networkFailure: (error) => events.networkFailure(session, error),
    sessionExpired: (status) => events.sessionExpired(session, status),
  });
  const headers: Record<string, string> =
    config.auth?.kind === 'bearer' ? { Authorization: `Bearer ${config.auth.token}` } : {};
  const common = { fetch, ...(setup.oauth ? { authProvider: setup.oauth } : {}), requestInit: { headers } };
  const { initialDelayMs, maxDelayMs, factor, maxRetries } = setup.streamReconnect;
  session.transport =
    kind === 'sse'
      ? new sdk.SSEClientTransport(setup.url, common)
      : new sdk.StreamableHTTPClientTransport(setup.url, {
          ...common,
          reconnectionOptions: {
            initialReconnectionDelay: initialDelayMs,
            maxReconnectionDelay: maxDelayMs,
            reconnectionDelayGrowFactor: factor,
            maxRetries,
          },
        });
  if (kind === 'streamable-http') session.answered.install(session.transport);
  const client = new sdk.Client(setup.clientInfo, {
    capabilities: setup.onElicit ? { elicitation: { form: { applyDefaults: true } } } : {},
    jsonSchemaValidator: new sdk.CfWorkerJsonSchemaValidator(),
  });
  const onElicit = setup.onElicit;
  if (onElicit) client.setRequestHandler(sdk.ElicitRequestSchema, (request) => onElicit(request.params));
  client.setNotificationHandler(sdk.ToolListChangedNotificationSchema, () =>
    events.listChanged(session, 'tools'),
  );
  client.setNotificationHandler(sdk.PromptListChangedNotificationSchema, () =>
    events.listChanged(session, 'prompts'),
  );
  client.setNotificationHandler(sdk.ResourceListChangedNotificationSchema, () =>
    events.listChanged(session, 'resources'),
  );
  client.onerror = (error) => events.transportError(session, error);
  client.onclose = () => events.closed(session);
  session.client = client;
  return session;
}

/** A 4xx other than 401/403 to the first POST: an older server that speaks HTTP+SSE only. */
function olderServer(sdk: McpSdk, error: unknown): boolean {
  return (
    error instanceof sdk.StreamableHTTPError &&
    typeof error.code === 'number' &&
    error.code >= 400 &&
    error.code < 500 &&
    error.code !== 401 &&
    error.code !== 403
  );
}

async function initialize(setup: SessionSetup, session: Session): Promise<Session> {
  await session.answered.track((onresumptiontoken) =>
    session.client.connect(session.transport, {
      timeout: setup.connectTimeoutMs,
      onresumptiontoken,
      ...(setup.signal ? { signal: setup.signal } : {}),
    }),
  );
  return session;
}

/**
 * One try at a session: Streamable HTTP first and, for `auto`, the older HTTP+SSE transport when the
 * server answers the first POST with a 4xx (the fallback the SDK documents). If both fail, the
 * Streamable HTTP error is the one reported, unless the SSE attempt needs a sign-in.
 */
async function tryOpen(setup: SessionSetup, n: number): Promise<Session> {
  const mode = setup.config.transport ?? 'auto';
  const attempt = async (kind: McpTransportKind) => {
    const session = createSession(setup, n, kind);
    try {
      return await initialize(setup, session);
    } catch (error) {
      await session.client.close().catch(() => undefined);
      throw Object.assign(new SessionOpenError(error), { session });
    }
  };
  if (mode === 'sse') return attempt('sse');
  try {
    return await attempt('streamable-http');
  } catch (failure) {
    const { cause } = failure as SessionOpenError;
    if (mode === 'streamable-http' || !olderServer(setup.sdk, cause)) throw failure;
    try {
      return await attempt('sse');
    } catch (sseFailure) {
      throw (sseFailure as SessionOpenError).cause instanceof setup.sdk.UnauthorizedError
        ? sseFailure
        : failure;
    }
  }
}

/** Carries the session whose opening failed, so a sign-in code can be exchanged on its transport. */
class SessionOpenError extends Error {
  session?: Session;
  constructor(override readonly cause: unknown) {
    super('session failed to open');
  }
}

/**
 * Opens a session. When the server wants a sign-in and the OAuth provider finished it without a
 * person (the command-line client follows the redirect itself), the code is exchanged on the
 * transport that was refused and the session opened again, at most twice.
 */
export async function openSession(setup: SessionSetup, n: number): Promise<Session> {
  for (let round = 0; ; round++) {
    try {
      return await tryOpen(setup, n);
    } catch (failure) {
      const { cause, session } = failure as SessionOpenError;
      const code =
        cause instanceof setup.sdk.UnauthorizedError ? setup.oauth?.takeAuthorizationCode() : undefined;
      if (code === undefined || !session || round >= 2) throw cause;
      await session.transport.finishAuth(code);
    }
  }
}
