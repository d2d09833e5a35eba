import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import { connectMcpServer, type McpConnection } from '../../../src/agent/mcp/index.ts';
import type { McpConnectionEvent } from '../../../src/agent/mcp/types.ts';
import { startCuttingProxy } from '../../support/mcp/cutting-proxy.ts';
import { startTestServer, type TestServer } from '../../support/mcp/test-server.ts';
import { toolContext } from '../../support/mcp/tool-context.ts';

let server: TestServer;
let connection: McpConnection;
const events: McpConnectionEvent[] = [];

beforeAll(async () => {
  server = await startTestServer();
  connection = await connectMcpServer({ id: 'notes', url: server.url, timeoutMs: 10_000 });
  connection.subscribe((event) => events.push(event));
});

afterAll(async () => {
  await connection?.close();
  await server?.close();
});

const tool = (name: string) => {
  const found = connection.tools().find((t) => t.name === `notes__${name}`);
  if (!found)
    throw new Error(
      `no tool notes__${name}: ${connection
        .tools()
        .map((t) => t.name)
        .join(', ')}`,
    );
  return found;
};

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('an MCP server’s tools as agent tools', () => {
  it('keeps the session id the server gave and lists every tool, namespaced, with its defaults', () => {
    expect(connection.state).toMatchObject({ status: 'connected', transport: 'streamable-http' });
    const state = connection.state;
    expect(state.status === 'connected' && state.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(connection.tools().map((t) => t.name)).toEqual(
      [
        'echo',
        'delete-note',
        'add-note',
        'unannotated',
        'slow',
        'fail',
        'hang',
        'big',
        'weather',
        'count-calls',
      ].map((name) => `notes__${name}`),
    );
    expect(tool('echo')).toMatchObject({
      needsApproval: false,
      idempotent: true,
      timeoutMs: 10_000,
      source: { kind: 'mcp', server: 'notes' },
    });
    expect(tool('delete-note')).toMatchObject({ needsApproval: true, idempotent: false });
    expect(tool('add-note')).toMatchObject({ needsApproval: false, idempotent: false });
    expect(tool('unannotated')).toMatchObject({ needsApproval: true });
    // Every request of this session carried its id (initialize aside).
    const later = server.requests.filter((r) => r.rpc !== 'initialize');
    expect(later.length).toBeGreaterThan(0);
    expect(new Set(later.map((r) => r.session))).toEqual(
      new Set([state.status === 'connected' ? state.sessionId : '']),
    );
  });

  it('calls a tool and returns what the server gave, in a span of its own', async () => {
    const context = toolContext();
    const echo = tool('echo');
    const args = echo.parameters.parse({ message: 'hello' });
    expect(args.success).toBe(true);
    const result = await echo.execute(args.success ? args.data : {}, context);
    expect(result).toEqual({ content: [{ type: 'text', text: 'Echo: hello' }] });
    expect(context.spans).toHaveLength(1);
    expect(context.spans[0]).toMatchObject({
      ended: true,
      attributes: { 'mcp.server': 'notes', 'gen_ai.tool.name': 'echo', 'mcp.transport': 'streamable-http' },
    });
    expect(context.spans[0]!.error).toBeUndefined();
  });

  it('turns progress notifications into the run’s progress', async () => {
    const context = toolContext();
    await tool('slow').execute({ steps: 3, stepMs: 20 }, context);
    expect(context.progressed).toEqual([
      { loaded: 1, total: 3, message: 'step 1' },
      { loaded: 2, total: 3, message: 'step 2' },
      { loaded: 3, total: 3, message: 'step 3' },
    ]);
  });

  it('cancels on abort: the call rejects ABORTED and the server receives notifications/cancelled', async () => {
    const controller = new AbortController();
    const context = toolContext(controller.signal);
    const call = tool('slow').execute({ steps: 50, stepMs: 40 }, context);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = server.cancellations.length;
    controller.abort(new Error('the user pressed stop'));
    const error = await rejection(call);
    expect(isHearthError(error, 'ABORTED')).toBe(true);
    await expect.poll(() => server.cancellations.length).toBe(before + 1);
    expect(server.cancellations.at(-1)!.reason).toMatch(/stop/);
    expect(context.spans[0]).toMatchObject({ ended: true, error });
  });

  it('fails a call the server does not answer within the tool’s timeout, and cancels it there', async () => {
    const before = server.cancellations.length;
    const started = performance.now();
    const error = await rejection(connection.call('hang', {}, { timeoutMs: 400 }));
    const elapsed = performance.now() - started;
    expect(isHearthError(error, 'MCP_TIMEOUT')).toBe(true);
    expect((error as Error).message).toMatch(/400 ms/);
    // The SDK's timer fires at 400 ms; the rest is one event-loop turn and the rejection, far under 1 s.
    expect(elapsed).toBeGreaterThanOrEqual(395);
    expect(elapsed).toBeLessThan(1_400);
    await expect.poll(() => server.cancellations.length).toBe(before + 1);
  });

  it('reports a tool that failed in its own words (MCP_TOOL_ERROR), the span marked failed', async () => {
    const context = toolContext();
    const error = await rejection(tool('fail').execute({}, context));
    expect(isHearthError(error, 'MCP_TOOL_ERROR')).toBe(true);
    expect((error as Error).message).toMatch(/the disk is full/);
    expect(context.spans[0]!.error).toBe(error);
  });

  it('reports a JSON-RPC error from the server (unknown tool) as MCP_REQUEST_FAILED', async () => {
    const error = await rejection(connection.call('no-such-tool'));
    expect(isHearthError(error, 'MCP_REQUEST_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(/unknown tool no-such-tool/);
  });

  it('checks structured content against the tool’s output schema', async () => {
    expect(await connection.call('weather')).toMatchObject({ structuredContent: { celsius: 21 } });
    const error = await rejection(connection.call('weather', { wrong: true }));
    expect(isHearthError(error, 'MCP_INVALID_RESPONSE')).toBe(true);
    expect((error as Error).message).toMatch(/celsius.*number/);
  });

  it('lists prompts and resources and uses them', async () => {
    expect(connection.prompts()).toEqual([
      { name: 'greet', description: 'Greets someone.', arguments: [{ name: 'who', required: true }] },
    ]);
    const prompt = await connection.getPrompt('greet', { who: 'Ada' });
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Say hello to Ada.' });
    expect(connection.resources()).toMatchObject([{ uri: 'test://notes/readme', name: 'readme' }]);
    const resource = await connection.readResource('test://notes/readme');
    expect(resource.contents[0]).toMatchObject({ text: 'Notes live here.' });
  });

  it('refreshes its tools when the server says its list changed', async () => {
    await server.addTool({
      name: 'search',
      description: 'Searches notes.',
      inputSchema: { type: 'object' },
      annotations: { readOnlyHint: true },
    });
    await expect.poll(() => connection.tools().map((t) => t.name)).toContain('notes__search');
    expect(events).toContainEqual({ type: 'tools-changed', tools: 11, problems: [] });
  });

  it('opens a new session when the server forgets one: a read-only call is retried, others fail clearly', async () => {
    const first = connection.state.status === 'connected' ? connection.state.sessionId : undefined;
    const callsBefore = server.callCount();
    server.expireSessions();
    const echoed = await tool('echo').execute({ message: 'again' }, toolContext());
    expect(echoed).toEqual({ content: [{ type: 'text', text: 'Echo: again' }] });
    const second = connection.state.status === 'connected' ? connection.state.sessionId : undefined;
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(server.callCount()).toBe(callsBefore + 1); // the 404 came before the server ran anything

    server.expireSessions();
    const context = toolContext();
    const error = await rejection(tool('delete-note').execute({ id: 1 }, context));
    expect(isHearthError(error, 'MCP_SESSION_LOST')).toBe(true);
    expect(server.callCount()).toBe(callsBefore + 1);
    await expect.poll(() => connection.state.status).toBe('connected');
    expect(await tool('delete-note').execute({ id: 1 }, toolContext())).toEqual({
      content: [{ type: 'text', text: 'deleted 1' }],
    });
  });
});

describe('a dropped event stream', () => {
  // The reference server's own event store (server-everything 2026.8.31) replays every stream's events and
  // returns an event id where the SDK expects a stream id, so a resumed stream never gets its answer there;
  // this server keeps its events in order (tests/support/mcp/test-server.ts).
  it('is resumed with Last-Event-ID, and the call gets its answer and every progress step', async () => {
    const resumable = await startTestServer({ resumable: true });
    const proxy = await startCuttingProxy(resumable.url, '"slow"', 'notifications/progress');
    try {
      const c = await connectMcpServer({ id: 'notes', url: proxy.url });
      const context = toolContext();
      const result = await c
        .tools()
        .find((t) => t.name === 'notes__slow')!
        .execute({ steps: 4, stepMs: 150 }, context);
      expect(result).toEqual({ content: [{ type: 'text', text: 'counted 4' }] });
      expect(proxy.seen.filter((r) => r.method === 'GET' && r.lastEventId).length).toBeGreaterThanOrEqual(1);
      expect(context.progressed.map((p) => p.loaded)).toEqual([1, 2, 3, 4]);
      await c.close();
    } finally {
      await proxy.close();
      await resumable.close();
    }
  });
});

describe('a request answered with a JSON-RPC error', () => {
  it('leaves no event stream to be reopened (SDK 1.x would resume it with a GET held open for nothing)', async () => {
    const resumable = await startTestServer({ resumable: true });
    try {
      const c = await connectMcpServer({ id: 'notes', url: resumable.url });
      for (let i = 0; i < 3; i++) {
        const error = await rejection(c.getPrompt('no-such-prompt'));
        expect(isHearthError(error, 'MCP_REQUEST_FAILED')).toBe(true);
      }
      // The transport would reopen each stream after its reconnection delay (500 ms): wait past it.
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(resumable.requests.filter((r) => r.method === 'GET' && r.lastEventId)).toEqual([]);
      expect(await c.getPrompt('greet', { who: 'Bo' })).toMatchObject({ messages: [{ role: 'user' }] });
      await c.close();
    } finally {
      await resumable.close();
    }
  });
});

describe('credentials', () => {
  let secured: TestServer;
  beforeAll(async () => {
    secured = await startTestServer({ bearer: 'right-token', forbiddenToken: 'known-but-not-allowed' });
  });
  afterAll(() => secured.close());

  it('sends a bearer token', async () => {
    const c = await connectMcpServer({
      id: 's',
      url: secured.url,
      auth: { kind: 'bearer', token: 'right-token' },
    });
    expect(await c.call('echo', { message: 'in' })).toEqual({
      content: [{ type: 'text', text: 'Echo: in' }],
    });
    await c.close();
  });

  it('says "sign in again" for a refused token (401) and for a forbidden one (403)', async () => {
    const wrong = await rejection(
      connectMcpServer({ id: 's', url: secured.url, auth: { kind: 'bearer', token: 'wrong' } }),
    );
    expect(isHearthError(wrong, 'MCP_UNAUTHORIZED')).toBe(true);
    expect((wrong as Error).message).toMatch(/sign in again/);
    const forbidden = await rejection(
      connectMcpServer({
        id: 's',
        url: secured.url,
        auth: { kind: 'bearer', token: 'known-but-not-allowed' },
      }),
    );
    expect(isHearthError(forbidden, 'MCP_FORBIDDEN')).toBe(true);
    expect((forbidden as Error).message).toMatch(/sign in again/);
  });
});
