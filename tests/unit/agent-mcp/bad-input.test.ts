import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import { connectMcpServer } from '../../../src/agent/mcp/index.ts';
import { startRawServer, startTestServer, type RawServer } from '../../support/mcp/test-server.ts';
import { toolContext } from '../../support/mcp/tool-context.ts';

const open: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const item of open) await item.close();
});

async function raw(options: Parameters<typeof startRawServer>[0]): Promise<RawServer> {
  const server = await startRawServer(options);
  open.push(server);
  return server;
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const good = { name: 'good', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } };

describe('a server that sends bad input', () => {
  it('reports each tool whose schema cannot be used, and keeps the others', async () => {
    const server = await raw({
      tools: [
        good,
        { name: 'string-root', inputSchema: { type: 'string' } },
        { name: 'bad-properties', inputSchema: { type: 'object', properties: 'q' } },
        {
          name: 'dangling-ref',
          inputSchema: { type: 'object', properties: { q: { $ref: '#/$defs/nowhere' } } },
        },
        { name: 'no-schema' },
        { inputSchema: { type: 'object' } },
        { name: 'good', inputSchema: { type: 'object' } },
      ],
      call: () => ({ result: { content: [{ type: 'text', text: 'ok' }] } }),
    });
    const connection = await connectMcpServer({ id: 'raw', url: server.url });
    expect(connection.tools().map((t) => t.name)).toEqual(['raw__good']);
    const problems = connection.toolProblems();
    expect(problems.map((p) => [p.tool, p.code])).toEqual([
      ['string-root', 'MCP_SCHEMA_UNUSABLE'],
      ['bad-properties', 'MCP_SCHEMA_UNUSABLE'],
      ['dangling-ref', 'MCP_SCHEMA_UNUSABLE'],
      ['no-schema', 'MCP_SCHEMA_UNUSABLE'],
      ['(unnamed)', 'MCP_SCHEMA_UNUSABLE'],
      ['good', 'MCP_SCHEMA_UNUSABLE'],
    ]);
    expect(problems[0]!.reason).toMatch(/"object"/);
    expect(problems[2]!.reason).toMatch(/points outside/);
    expect(problems[5]!.reason).toMatch(/two tools of this name/);
    expect(await connection.call('good', { q: 'x' })).toMatchObject({ content: [{ text: 'ok' }] });
    await connection.close();
  });

  it.each([
    ['a JSON body that is not JSON-RPC', { raw: '{"hello":"world"}' }],
    ['a body that is not JSON', { raw: 'Internal Server Error: oops' }],
    ['a result of the wrong shape', { result: { content: 'not a list' } }],
    ['an HTML page', { raw: '<html>login</html>', contentType: 'text/html' }],
  ])('fails a call answered with %s clearly and at once (MCP_INVALID_RESPONSE)', async (_, reply) => {
    const server = await raw({ tools: [good], call: () => reply as never });
    const connection = await connectMcpServer({ id: 'raw', url: server.url, timeoutMs: 5_000 });
    const started = performance.now();
    const error = await rejection(connection.call('good', {}));
    expect(error).toMatchObject({ code: 'MCP_INVALID_RESPONSE' });
    expect(performance.now() - started).toBeLessThan(2_000);
    await connection.close();
  });

  it('refuses a server that speaks another protocol version (MCP_PROTOCOL_MISMATCH)', async () => {
    const server = await raw({ protocolVersion: '1999-01-01', tools: [good] });
    const error = await rejection(connectMcpServer({ id: 'raw', url: server.url }));
    expect(isHearthError(error, 'MCP_PROTOCOL_MISMATCH')).toBe(true);
    expect((error as Error).message).toMatch(/1999-01-01/);
    expect((error as Error).message).toMatch(/2025-11-25/);
  });

  it('says a server is unreachable when nothing listens there', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await rejection(connectMcpServer({ id: 'gone', url: `http://127.0.0.1:${port}/mcp` }));
    expect(isHearthError(error, 'MCP_SERVER_UNREACHABLE')).toBe(true);
  });

  it('times out a server that never answers, within the tool’s timeout, while another server works on', async () => {
    const silent = await raw({ tools: [good], call: () => 'hang' });
    const healthy = await startTestServer();
    open.push(healthy);
    const stuck = await connectMcpServer({ id: 'silent', url: silent.url, timeoutMs: 1_500 });
    const fine = await connectMcpServer({ id: 'fine', url: healthy.url });
    const started = performance.now();
    const waiting = rejection(stuck.tools()[0]!.execute({}, toolContext()));
    // While the silent server holds its call, the other server answers several in a row.
    for (let i = 0; i < 5; i++) {
      expect(await fine.call('echo', { message: String(i) })).toEqual({
        content: [{ type: 'text', text: `Echo: ${i}` }],
      });
    }
    const healthyDone = performance.now() - started;
    const error = await waiting;
    const elapsed = performance.now() - started;
    expect(isHearthError(error, 'MCP_TIMEOUT')).toBe(true);
    expect(healthyDone).toBeLessThan(1_500);
    // The SDK's timer is set to the tool's 1.5 s; it fires then, give or take one event-loop turn.
    expect(elapsed).toBeGreaterThanOrEqual(1_490);
    expect(elapsed).toBeLessThan(3_000);
    await Promise.all([stuck.close(), fine.close()]);
  });

  it('returns a 50 MB result whole (the agent loop applies its own cap)', async () => {
    const server = await startTestServer();
    open.push(server);
    const connection = await connectMcpServer({ id: 'big', url: server.url, timeoutMs: 30_000 });
    const result = (await connection.call('big', { mb: 50 })) as { content: Array<{ text: string }> };
    expect(result.content[0]!.text.length).toBe(50 * 1024 * 1024);
    expect(await connection.call('echo', { message: 'after' })).toEqual({
      content: [{ type: 'text', text: 'Echo: after' }],
    });
    await connection.close();
  });
});
