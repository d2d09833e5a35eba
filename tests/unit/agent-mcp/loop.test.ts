import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgents, memoryLocks, type AgentEvent, type PipelineInput } from '../../../src/agent/index.ts';
import { connectMcpServer, type McpConnection } from '../../../src/agent/mcp/index.ts';
import { ScriptedModel } from '../../support/scripted-model.ts';
import { startTestServer, type TestServer } from '../../support/mcp/test-server.ts';

// MCP tools in the agent loop (src/agent): a scripted model stands in for the LLM, the MCP server is real.
let server: TestServer;
let connection: McpConnection;
beforeAll(async () => {
  server = await startTestServer();
  connection = await connectMcpServer({ id: 'notes', url: server.url });
});
afterAll(async () => {
  await connection?.close();
  await server?.close();
});

let counter = 0;
const agentsWith = (model: ScriptedModel) =>
  createAgents({
    model,
    tools: connection.tools(),
    builtins: false,
    databaseName: `agents-mcp-${process.pid}-${counter++}`,
    locks: memoryLocks(),
  });

const pipeline: PipelineInput = {
  version: 1,
  name: 'notes',
  entry: 'keeper',
  agents: [{ name: 'keeper', tools: ['notes__echo', 'notes__slow', 'notes__fail', 'notes__delete-note'] }],
};

async function collect(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

describe('MCP tools in the agent loop', () => {
  it('run like any tool: results, progress events and a failure the model reads', async () => {
    const model = new ScriptedModel([
      {
        calls: [
          { name: 'notes__echo', arguments: { message: 'hi' } },
          { name: 'notes__slow', arguments: { steps: 2, stepMs: 10 } },
          { name: 'notes__fail', arguments: {} },
        ],
      },
      { text: 'Done.' },
    ]);
    const agents = agentsWith(model);
    const run = agents.run({ pipeline, input: 'Go.' });
    const events = await collect(run);
    expect(await run.result).toMatchObject({ status: 'completed', output: 'Done.' });
    const finished = Object.fromEntries(
      events.flatMap((e) => (e.type === 'tool_call_finished' ? [[e.tool, e]] : [])),
    ) as Record<string, Extract<AgentEvent, { type: 'tool_call_finished' }>>;
    expect(finished['notes__echo']).toMatchObject({ status: 'ok' });
    expect(JSON.parse(finished['notes__echo']!.output)).toEqual({
      content: [{ type: 'text', text: 'Echo: hi' }],
    });
    expect(finished['notes__fail']).toMatchObject({
      status: 'error',
      output: expect.stringMatching(/the disk is full/),
    });
    const progress = events.flatMap((e) => (e.type === 'tool_progress' ? [e.progress] : []));
    expect(progress).toEqual([
      { loaded: 1, total: 2, message: 'step 1' },
      { loaded: 2, total: 2, message: 'step 2' },
    ]);
    // The MCP call's own span sits under the loop's execute_tool span.
    const spans = await agents.traces.spans(run.runId);
    const mcpSpan = spans.find((s) => s.name === 'mcp tools/call echo');
    expect(mcpSpan).toBeDefined();
    expect(spans.find((s) => s.spanId === mcpSpan!.parentSpanId)?.name).toMatch(/execute_tool/);
    agents.dispose();
  });

  it('asks before a destructive tool (destructiveHint) and runs it once approved', async () => {
    const model = new ScriptedModel([
      { calls: [{ name: 'notes__delete-note', arguments: { id: 7 } }] },
      { text: 'Deleted.' },
    ]);
    const agents = agentsWith(model);
    const calls = server.callCount();
    const run = agents.run({ pipeline, input: 'Delete note 7.' });
    const events = await collect(run);
    const paused = await run.result;
    expect(paused.status).toBe('paused');
    expect(
      events.some((e) => e.type === 'approval_requested' && e.interruption.tool === 'notes__delete-note'),
    ).toBe(true);
    expect(server.callCount()).toBe(calls);
    const interruption = paused.status === 'paused' ? paused.interruptions[0]! : undefined;
    const resumed = agents.resume(run.runId, {
      decisions: [{ interruptionId: interruption!.id, approve: true }],
    });
    await collect(resumed);
    expect(await resumed.result).toMatchObject({ status: 'completed', output: 'Deleted.' });
    expect(server.callCount()).toBe(calls + 1);
    agents.dispose();
  });
});
