import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectMcpServer, type McpConnection } from '../../src/agent/mcp/index.ts';
import type { AgentTool, ToolContext } from '../../src/agent/tool.ts';

/**
 * The same `echo` calls two ways in one page: through the bridge (the agent tool: arguments checked
 * with its schema, the call, the result checked) and through a bare SDK client, so both share the
 * browser, its connection pool and the server.
 */
type Call = (i: number) => Promise<unknown>;

let bridge: McpConnection | undefined;
let echo: AgentTool | undefined;
let raw: Client | undefined;

/** What the agent loop hands each call: its own signal, a progress sink, a span. */
const context = (): ToolContext => ({
  signal: new AbortController().signal,
  runId: 'bench',
  callId: 'echo',
  progress: () => undefined,
  startSpan: () => ({ setAttributes: () => undefined, end: () => undefined }),
});

const calls: Record<'bridge' | 'raw', Call> = {
  async bridge(i) {
    const args = echo!.parameters.parse({ message: `m${i}` });
    if (!args.success) throw new Error(args.error);
    return echo!.execute(args.data, context());
  },
  raw: (i) => raw!.callTool({ name: 'echo', arguments: { message: `m${i}` } }),
};

async function open(url: string) {
  bridge = await connectMcpServer({ id: 'everything', url });
  echo = bridge.tools().find((t) => t.name === 'everything__echo');
  raw = new Client({ name: 'bare-sdk', version: '1.0.0' });
  await raw.connect(new StreamableHTTPClientTransport(new URL(url)));
}

/**
 * Wall time of each of `n` calls per client, made one after another, the two clients taking turns
 * call by call (and who goes first alternating), so both meet the same machine at the same moments.
 */
async function sequential(n: number, offset: number): Promise<{ bridge: number[]; raw: number[] }> {
  const times = { bridge: [] as number[], raw: [] as number[] };
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? (['bridge', 'raw'] as const) : (['raw', 'bridge'] as const);
    for (const which of order) {
      const start = performance.now();
      await calls[which](offset + i);
      times[which].push(performance.now() - start);
    }
  }
  return times;
}

/** Calls per second with `inFlight` calls always open, over `n` calls. */
async function concurrent(which: 'bridge' | 'raw', n: number, inFlight: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) await calls[which](next++);
    }),
  );
  return n / ((performance.now() - start) / 1000);
}

/** Time to a connected bridge with the server's lists read (initialize, initialized, tools, prompts, resources). */
async function connectTime(url: string): Promise<number> {
  const start = performance.now();
  const connection = await connectMcpServer({ id: 'timing', url });
  const elapsed = performance.now() - start;
  await connection.close();
  return elapsed;
}

/** Time per call of the bridge's own work without the network: checking the arguments, n times, ms. */
function parseCost(n: number): number {
  const start = performance.now();
  for (let i = 0; i < n; i++) echo!.parameters.parse({ message: `m${i}` });
  return (performance.now() - start) / n;
}

async function close() {
  await bridge?.close();
  await raw?.close();
}

export interface McpBenchHarness {
  open: typeof open;
  sequential: typeof sequential;
  concurrent: typeof concurrent;
  connectTime: typeof connectTime;
  close: typeof close;
  parseCost: typeof parseCost;
}

Object.assign(globalThis, {
  harness: { open, sequential, concurrent, connectTime, close, parseCost } satisfies McpBenchHarness,
});
