import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import { connectMcpServer } from '../../../src/agent/mcp/index.ts';
import type { McpConnectionState } from '../../../src/agent/mcp/types.ts';
import { startEverything, type EverythingServer } from '../../support/mcp/everything.ts';
import { toolContext } from '../../support/mcp/tool-context.ts';

// The reference server, @modelcontextprotocol/server-everything, in its own process on a loopback port.
let everything: EverythingServer;
beforeAll(async () => {
  everything = await startEverything();
});
afterAll(() => everything?.stop());

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('against the reference server', () => {
  it('falls back to HTTP+SSE for a server that only speaks it', async () => {
    const sse = await startEverything('sse');
    try {
      const connection = await connectMcpServer({ id: 'old', url: sse.url });
      expect(connection.state).toMatchObject({ status: 'connected', transport: 'sse' });
      const sum = connection.tools().find((t) => t.name === 'old__get-sum')!;
      expect(await sum.execute({ a: 2, b: 40 }, toolContext())).toEqual({
        content: [{ type: 'text', text: 'The sum of 2 and 40 is 42.' }],
      });
      await connection.close();
    } finally {
      await sse.stop();
    }
  });

  it('reports a server killed mid-call, and reconnects by itself once it is back', async () => {
    const connection = await connectMcpServer(
      { id: 'ref', url: everything.url },
      { reconnect: { initialDelayMs: 100, maxDelayMs: 400 } },
    );
    const states: McpConnectionState[] = [];
    connection.subscribe((event) => event.type === 'state' && states.push(event.state));
    const first = connection.state.status === 'connected' ? connection.state.sessionId : undefined;
    const tool = connection.tools().find((t) => t.name === 'ref__trigger-long-running-operation')!;
    const context = toolContext();
    const call = rejection(tool.execute({ duration: 20, steps: 20 }, context));
    await expect.poll(() => context.progressed.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const killedAt = performance.now();
    await everything.kill();
    const error = await call;
    expect(isHearthError(error, 'MCP_SERVER_GONE')).toBe(true);
    // The SDK first tries to resume the stream (two tries, 0.5 s then 1 s apart), then the call fails.
    expect(performance.now() - killedAt).toBeLessThan(5_000);
    expect(states.map((s) => s.status)).toContain('reconnecting');
    await everything.restart();
    await expect.poll(() => connection.state.status, { timeout: 10_000 }).toBe('connected');
    const second = connection.state.status === 'connected' ? connection.state.sessionId : undefined;
    expect(second).not.toBe(first);
    const echo = connection.tools().find((t) => t.name === 'ref__echo')!;
    expect(await echo.execute({ message: 'back' }, toolContext())).toEqual({
      content: [{ type: 'text', text: 'Echo: back' }],
    });
    await connection.close();
  });
});
