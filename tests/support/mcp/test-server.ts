/**
 * MCP servers for the bridge's tests, on 127.0.0.1 port 0, in the test's own process:
 * - `startTestServer`: a real server built on the SDK (Server + StreamableHTTPServerTransport, one
 *   transport per session, 404 for an unknown session as the spec says), with tools that exercise
 *   approvals, progress, cancellation, failures, a 50 MB result and a call that never answers, and
 *   knobs for CORS, bearer tokens, expiring sessions and changing the tool list.
 * - `startRawServer`: hand-written JSON-RPC over HTTP for what no SDK server would send: malformed
 *   tool schemas, invalid JSON-RPC, a protocol version nobody speaks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  McpError,
  ListPromptsRequestSchema,
  GetPromptRequestSchema,
  ListResourcesRequestSchema,
  ReadResourceRequestSchema,
  ListToolsRequestSchema,
  type CallToolResult,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * Keeps every event of a session so a dropped stream can be resumed (Last-Event-ID), and replays a
 * stream's events in the order they were sent. (The SDK's example store orders events of one
 * millisecond by a random suffix, so a replay may put a result before the progress sent just ahead of it.)
 */
class OrderedEventStore implements EventStore {
  private readonly events: Array<{ id: string; streamId: string; message: JSONRPCMessage }> = [];

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const id = `${streamId}_${String(this.events.length).padStart(8, '0')}`;
    this.events.push({ id, streamId, message });
    if (process.env.DEBUG_EVENTS)
      console.log('store', Date.now() % 100000, id, JSON.stringify(message).slice(0, 80));
    return id;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (id: string, message: JSONRPCMessage) => Promise<void> },
  ) {
    const index = this.events.findIndex((event) => event.id === lastEventId);
    if (index < 0) return '';
    const { streamId } = this.events[index]!;
    for (const event of this.events.slice(index + 1)) {
      if (event.streamId === streamId) await send(event.id, event.message);
    }
    return streamId;
  }
}

export type CorsMode = 'full' | 'none' | 'simple-only';

const MCP_HEADERS = 'Content-Type, Authorization, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID';

function applyCors(mode: CorsMode, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  if (mode === 'none') return false;
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
  res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, Mcp-Protocol-Version');
  if (req.method !== 'OPTIONS') return false;
  // 'simple-only' answers the preflight without allowing the MCP headers: the browser refuses the request.
  if (mode === 'full') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
    res.setHeader('Access-Control-Allow-Headers', MCP_HEADERS);
  }
  res.writeHead(204).end();
  return true;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

export function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

export function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const BASE_TOOLS: Tool[] = [
  {
    name: 'echo',
    description: 'Echoes the message back.',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'delete-note',
    description: 'Deletes a note (nothing is kept anyway).',
    inputSchema: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] },
    annotations: { destructiveHint: true },
  },
  {
    name: 'add-note',
    description: 'Adds a note.',
    inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  },
  {
    name: 'unannotated',
    description: 'A tool that says nothing about itself.',
    inputSchema: { type: 'object' },
  },
  {
    name: 'slow',
    description: 'Counts `steps` steps of `stepMs` ms, reporting progress; stops when cancelled.',
    inputSchema: {
      type: 'object',
      properties: { steps: { type: 'integer', minimum: 1 }, stepMs: { type: 'integer', minimum: 1 } },
      required: ['steps', 'stepMs'],
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'fail',
    description: 'Always fails, as a tool result (isError).',
    inputSchema: { type: 'object' },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'hang',
    description: 'Never answers.',
    inputSchema: { type: 'object' },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'big',
    description: 'Returns `mb` megabytes of text.',
    inputSchema: { type: 'object', properties: { mb: { type: 'number', maximum: 64 } }, required: ['mb'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'weather',
    description: 'Gives the temperature; `wrong` makes it break its own output schema.',
    inputSchema: { type: 'object', properties: { wrong: { type: 'boolean' } } },
    outputSchema: { type: 'object', properties: { celsius: { type: 'number' } }, required: ['celsius'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'count-calls',
    description: 'Returns how many times it was called in this process.',
    inputSchema: { type: 'object' },
    annotations: { readOnlyHint: true },
  },
];

export interface TestServerOptions {
  cors?: CorsMode;
  /** Requests must carry `Authorization: Bearer <token>` (401 otherwise). */
  bearer?: string;
  /** This token is known but may not use the server (403). */
  forbiddenToken?: string;
  /** Answer with JSON instead of an SSE stream per request. */
  jsonResponse?: boolean;
  /** Keep events so a dropped stream can be resumed with Last-Event-ID. */
  resumable?: boolean;
}

export interface TestServer {
  url: string;
  port: number;
  /** The request ids of every `notifications/cancelled` the server received. */
  cancellations: Array<{ requestId: unknown; reason?: string }>;
  /** HTTP requests seen: method, whether it named a session, the JSON-RPC method of a POST. */
  requests: Array<{ method: string; session?: string; rpc?: string; lastEventId?: string }>;
  /** Forgets every session: their next requests get 404. */
  expireSessions(): void;
  /** Adds a tool and tells every session its tool list changed. */
  addTool(tool: Tool): Promise<void>;
  callCount(): number;
  close(): Promise<void>;
}

export type TestServerHandler = ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) &
  Omit<TestServer, 'url' | 'port' | 'close'> & { closeSessions(): Promise<void> };

/** The test server's request handler, to mount behind other middleware (an OAuth-protected server, say). */
export function createTestServerHandler(options: TestServerOptions = {}): TestServerHandler {
  const cors = options.cors ?? 'full';
  const tools = [...BASE_TOOLS];
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: Server }>();
  const cancellations: TestServer['cancellations'] = [];
  const requests: TestServer['requests'] = [];
  let calls = 0;

  const newServer = () => {
    const server = new Server(
      { name: 'hearth-test-server', version: '1.0.0' },
      { capabilities: { tools: { listChanged: true }, prompts: {}, resources: {} } },
    );
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
    server.setRequestHandler(ListPromptsRequestSchema, () => ({
      prompts: [
        { name: 'greet', description: 'Greets someone.', arguments: [{ name: 'who', required: true }] },
      ],
    }));
    server.setRequestHandler(GetPromptRequestSchema, (request) => {
      if (request.params.name !== 'greet') {
        throw new McpError(ErrorCode.InvalidParams, `no prompt ${request.params.name}`);
      }
      return {
        messages: [
          { role: 'user', content: { type: 'text', text: `Say hello to ${request.params.arguments?.who}.` } },
        ],
      };
    });
    server.setRequestHandler(ListResourcesRequestSchema, () => ({
      resources: [{ uri: 'test://notes/readme', name: 'readme', mimeType: 'text/plain' }],
    }));
    server.setRequestHandler(ReadResourceRequestSchema, (request) => ({
      contents: [{ uri: request.params.uri, mimeType: 'text/plain', text: 'Notes live here.' }],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
      calls++;
      const args = (request.params.arguments ?? {}) as Record<string, unknown>;
      const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });
      switch (request.params.name) {
        case 'echo':
          return text(`Echo: ${String(args.message)}`);
        case 'delete-note':
          return text(`deleted ${String(args.id)}`);
        case 'add-note':
          return text(`added ${String(args.text)}`);
        case 'unannotated':
          return text('done');
        case 'weather':
          return args.wrong
            ? { content: [{ type: 'text', text: 'warm' }], structuredContent: { celsius: 'warm' } }
            : { content: [{ type: 'text', text: '21 °C' }], structuredContent: { celsius: 21 } };
        case 'count-calls':
          return text(String(calls));
        case 'slow': {
          const steps = Number(args.steps);
          for (let step = 1; step <= steps; step++) {
            await new Promise((resolve) => setTimeout(resolve, Number(args.stepMs)));
            if (extra.signal.aborted) return text('cancelled');
            const token = request.params._meta?.progressToken;
            if (token !== undefined) {
              await extra.sendNotification({
                method: 'notifications/progress',
                params: { progressToken: token, progress: step, total: steps, message: `step ${step}` },
              });
            }
          }
          return text(`counted ${steps}`);
        }
        case 'fail':
          return { isError: true, content: [{ type: 'text', text: 'the disk is full' }] };
        case 'hang':
          return new Promise<CallToolResult>(() => undefined);
        case 'big':
          return text('x'.repeat(Math.round(Number(args.mb) * 1024 * 1024)));
        default:
          throw new Error(`unknown tool ${request.params.name}`);
      }
    });
    return server;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    try {
      if (applyCors(cors, req, res)) return;
      const session = req.headers['mcp-session-id'] as string | undefined;
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const rpc = (body as { method?: string } | undefined)?.method;
      requests.push({
        method: req.method ?? '',
        ...(session ? { session } : {}),
        ...(rpc ? { rpc } : {}),
        ...(req.headers['last-event-id'] ? { lastEventId: String(req.headers['last-event-id']) } : {}),
      });
      if (rpc === 'notifications/cancelled') {
        const params = (body as { params: { requestId: unknown; reason?: string } }).params;
        cancellations.push({
          requestId: params.requestId,
          ...(params.reason ? { reason: params.reason } : {}),
        });
      }
      if (options.bearer !== undefined) {
        const auth = req.headers.authorization;
        if (options.forbiddenToken !== undefined && auth === `Bearer ${options.forbiddenToken}`) {
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"forbidden"}');
          return;
        }
        if (auth !== `Bearer ${options.bearer}`) {
          res
            .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
            .end('{"error":"invalid_token"}');
          return;
        }
      }
      if (session) {
        const known = sessions.get(session);
        if (!known) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              jsonrpc: '2.0',
              error: { code: -32001, message: 'Session not found' },
              id: null,
            }),
          );
          return;
        }
        await known.transport.handleRequest(req, res, body);
        return;
      }
      if (req.method !== 'POST' || rpc !== 'initialize') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"initialize first"}');
        return;
      }
      const server = newServer();
      const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: options.jsonResponse === true,
        ...(options.resumable ? { eventStore: new OrderedEventStore() } : {}),
        onsessioninitialized: (id) => void sessions.set(id, { transport, server }),
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  };
  return Object.assign(handle, {
    cancellations,
    requests,
    expireSessions() {
      for (const { server } of sessions.values()) void server.close();
      sessions.clear();
    },
    async addTool(tool: Tool) {
      tools.push(tool);
      await Promise.all([...sessions.values()].map(({ server }) => server.sendToolListChanged()));
    },
    callCount: () => calls,
    async closeSessions() {
      for (const { server } of sessions.values()) await server.close().catch(() => undefined);
      sessions.clear();
    },
  });
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const handler = createTestServerHandler(options);
  const httpServer = http.createServer((req, res) => void handler(req, res));
  const port = await listen(httpServer);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    cancellations: handler.cancellations,
    requests: handler.requests,
    expireSessions: () => handler.expireSessions(),
    addTool: (tool: Tool) => handler.addTool(tool),
    callCount: () => handler.callCount(),
    close: async () => {
      await handler.closeSessions();
      await close(httpServer);
    },
  };
}

// ---- raw JSON-RPC servers ------------------------------------------------------------------------

export type RawReply =
  | { result: unknown }
  | { error: { code: number; message: string } }
  /** Sent as the HTTP body as is (any content type given). */
  | { raw: string; contentType?: string }
  | 'hang';

export interface RawServerOptions {
  cors?: CorsMode;
  /** The protocol version `initialize` answers with (default: the one the client asked for). */
  protocolVersion?: string;
  tools?: unknown[];
  call?: (name: string, args: unknown) => RawReply;
}

export interface RawServer {
  url: string;
  close(): Promise<void>;
}

/** A stateless JSON-RPC-over-HTTP server that answers whatever the test tells it to, right or wrong. */
export async function startRawServer(options: RawServerOptions): Promise<RawServer> {
  const cors = options.cors ?? 'full';
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer(async (req, res) => {
    if (applyCors(cors, req, res)) return;
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const message = (await readJson(req)) as {
      id?: unknown;
      method: string;
      params?: Record<string, unknown>;
    };
    if (message.id === undefined) {
      res.writeHead(202).end();
      return;
    }
    const send = (reply: RawReply) => {
      if (reply === 'hang') {
        hanging.add(res);
        return;
      }
      if ('raw' in reply) {
        res.writeHead(200, { 'content-type': reply.contentType ?? 'application/json' }).end(reply.raw);
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ jsonrpc: '2.0', id: message.id, ...reply }));
    };
    if (message.method === 'initialize') {
      send({
        result: {
          protocolVersion: options.protocolVersion ?? message.params?.protocolVersion,
          capabilities: { tools: {} },
          serverInfo: { name: 'raw-test-server', version: '1.0.0' },
        },
      });
    } else if (message.method === 'tools/list') {
      send({ result: { tools: options.tools ?? [] } });
    } else if (message.method === 'tools/call') {
      const params = message.params as { name: string; arguments?: unknown };
      send(
        options.call?.(params.name, params.arguments) ?? { error: { code: -32601, message: 'no such tool' } },
      );
    } else {
      send({ result: {} });
    }
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      for (const res of hanging) res.destroy();
      await close(server);
    },
  };
}
