import {
  connectStoredServer,
  McpServerStore,
  signOutMcpServer,
  type AgentTool,
  type McpConnection,
  type McpConnectionState,
  type McpServerInput,
  type McpServerRecord,
} from '../../../runtime/index.ts';
import type { RemoteProvider, RemoteSource, RemoteState } from './remote-source.ts';

/** How long opening the view waits for the servers to answer before it shows them as they stand. */
const SETTLE_MS = 8_000;

const stateOf: Record<McpConnectionState['status'], RemoteState> = {
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  connected: 'ready',
  'needs-sign-in': 'needs-sign-in',
  failed: 'failed',
  closed: 'unchecked',
};

const settled = (state: McpConnectionState) =>
  state.status !== 'connecting' && state.status !== 'reconnecting';

/** Resolves when the connection's first attempt is over (or after `ms`, or on abort). */
function whenSettled(connection: McpConnection, ms: number, signal?: AbortSignal): Promise<void> {
  if (settled(connection.state)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = connection.subscribe((event) => {
      if (event.type === 'state' && settled(event.state)) done();
    });
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * MCP servers as remote sources: the runtime's McpServerStore keeps each server (address, sign-in,
 * last state) and its OAuth tokens; this keeps one live connection per enabled server, opened when
 * the Agents view first opens (the SDK's chunk loads only then, and only if there is a server), and
 * offers the tools each server lists. `onChange` hears every state change and tool list change.
 */
export class McpProvider implements RemoteProvider {
  readonly kind = 'mcp' as const;
  private readonly connections = new Map<string, Promise<McpConnection>>();
  private started: Promise<void> | undefined;

  constructor(
    private readonly onChange: () => void,
    private readonly store = new McpServerStore(),
  ) {}

  async add(input: McpServerInput): Promise<string> {
    const record = await this.store.add(input);
    await this.settle(record.id);
    return record.id;
  }

  /** Connects every enabled server once; resolves when each has settled (or after a bound). */
  start(): Promise<void> {
    this.started ??= (async () => {
      const records = await this.store.list();
      await Promise.all(
        records.filter((r) => r.enabled).map((r) => this.settle(r.id).catch(() => undefined)),
      );
    })();
    return this.started;
  }

  private connection(id: string): Promise<McpConnection> {
    let opening = this.connections.get(id);
    if (!opening) {
      opening = (async () => {
        const record = await this.store.get(id);
        if (!record) throw new Error(`No MCP server "${id}" is added.`);
        const connection = await connectStoredServer(record, { store: this.store });
        connection.subscribe(() => this.onChange());
        return connection;
      })();
      this.connections.set(id, opening);
      opening.catch(() => this.connections.delete(id));
    }
    return opening;
  }

  private async settle(id: string, signal?: AbortSignal): Promise<McpConnection> {
    const connection = await this.connection(id);
    await whenSettled(connection, SETTLE_MS, signal);
    return connection;
  }

  /** A live connection, if one was opened. */
  private async live(id: string): Promise<McpConnection | undefined> {
    return this.connections.has(id) ? this.connections.get(id)!.catch(() => undefined) : undefined;
  }

  private async forget(id: string): Promise<void> {
    const connection = await this.live(id);
    this.connections.delete(id);
    await connection?.close();
  }

  async list(): Promise<RemoteSource[]> {
    const records = await this.store.list();
    return Promise.all(records.map(async (record) => this.source(record, await this.live(record.id))));
  }

  private async source(
    record: McpServerRecord,
    connection: McpConnection | undefined,
  ): Promise<RemoteSource> {
    const auth = record.auth ?? { kind: 'none' };
    const state = connection?.state;
    const status = state?.status ?? record.lastStatus?.status;
    const error =
      state && 'error' in state
        ? { code: state.error.code, message: state.error.message }
        : !state && record.lastStatus?.code
          ? { code: record.lastStatus.code, message: record.lastStatus.message ?? '' }
          : undefined;
    const signedIn =
      auth.kind === 'oauth'
        ? Boolean((await this.store.oauthStore(record.url).load()).tokens)
        : auth.kind === 'bearer';
    const tools = connection?.tools() ?? [];
    // A server that has not been reached on this page shows the state it was last seen in.
    const shown: RemoteState = connection
      ? stateOf[status!]
      : status === 'connected'
        ? 'ready'
        : status
          ? stateOf[status]
          : 'unchecked';
    // A token (or none) that the server refuses is fixed by giving one, as an OAuth sign-in is.
    const tokenRefused = shown === 'failed' && auth.kind !== 'oauth' && error?.code === 'MCP_UNAUTHORIZED';
    return {
      kind: 'mcp',
      id: record.id,
      name: record.name ?? record.id,
      url: record.url,
      signIn: auth.kind === 'bearer' ? 'token' : auth.kind === 'oauth' ? 'oauth' : 'none',
      signedIn,
      state: tokenRefused ? 'needs-sign-in' : shown,
      ...(error ? { problem: error } : {}),
      ...(record.lastStatus ? { checkedAt: record.lastStatus.at } : {}),
      tools: tools.map((tool) => ({
        name: tool.name,
        label: tool.name.slice(record.id.length + 2),
        description: tool.description,
        asksFirst: tool.needsApproval !== undefined && tool.needsApproval !== false,
      })),
      leftOut: connection?.toolProblems().map((p) => `${p.tool}: ${p.reason}`) ?? [],
      skills: [],
      prompts:
        connection?.prompts().map((p) => ({ name: p.title ?? p.name, description: p.description ?? '' })) ??
        [],
      resources:
        connection?.resources().map((r) => ({
          name: r.title ?? r.name,
          description: [r.uri, r.mimeType, r.description].filter(Boolean).join(', '),
        })) ?? [],
    };
  }

  async check(id: string, signal?: AbortSignal): Promise<void> {
    const existing = await this.live(id);
    if (existing && existing.state.status !== 'closed') {
      await existing.reconnect().catch(() => undefined);
      if (existing.state.status === 'connected')
        await existing.refresh({ ...(signal ? { signal } : {}) }).catch(() => undefined);
      await whenSettled(existing, SETTLE_MS, signal);
      return;
    }
    await this.forget(id);
    await this.settle(id, signal);
  }

  async remove(id: string): Promise<void> {
    const record = await this.store.get(id);
    await this.forget(id);
    if (record?.auth?.kind === 'oauth')
      await signOutMcpServer(record.url, { store: this.store }).catch(() => undefined);
    await this.store.remove(id);
  }

  async setToken(id: string, token: string | null): Promise<void> {
    await this.store.update(id, { auth: token ? { kind: 'bearer', token } : { kind: 'none' } });
    await this.forget(id);
    await this.settle(id);
  }

  signIn(id: string): void {
    void this.live(id).then((connection) => connection?.signIn());
  }

  async signOut(id: string): Promise<void> {
    const record = await this.store.get(id);
    if (!record) return;
    await this.forget(id);
    await signOutMcpServer(record.url, { store: this.store });
    await this.settle(id);
  }

  async agentTools(): Promise<AgentTool[]> {
    const connections = await Promise.all(
      [...this.connections.values()].map((c) => c.catch(() => undefined)),
    );
    return connections.flatMap((c) => (c ? (c.tools() as AgentTool[]) : []));
  }
}
