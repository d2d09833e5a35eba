// A remote A2A agent as a registered tool (a2aAgentTool) of a local agent (tests/support/remote-agent-pages.ts).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { a2aAgentTool, connectA2AAgent, createAgents, memoryLocks } from '../../../src/agent/index.ts';
import { drain, pageNetwork, useRemoteAgent } from '../../support/remote-agent-pages.ts';
import { decodeOtlp, SPAN_KIND } from '../../support/otlp-proto.ts';
import { ScriptedModel } from '../../support/scripted-model.ts';

const { fixture, fresh, track, receivedSince } = useRemoteAgent();

describe('a remote A2A agent as a tool', () => {
  it('a local agent calls it through a2aAgentTool; its call is a client span under the tool call in the OTLP export', async () => {
    const tool = a2aAgentTool(await connectA2AAgent(fixture.agent.url));
    const model = new ScriptedModel([
      { calls: [{ name: tool.name, arguments: { message: 'ping' } }] },
      { text: 'It said ping back.' },
    ]);
    const agents = createAgents({
      model,
      tools: [tool],
      databaseName: fresh('agents-remote'),
      locks: memoryLocks(),
      a2a: { store: false },
    });
    track(agents);
    const run = agents.run({ agent: { name: 'caller', tools: [tool.name] }, input: 'Ping the echo agent' });
    const events = await drain(run);
    expect(await run.result).toMatchObject({ status: 'completed', output: 'It said ping back.' });
    const finished = events.find((e) => e.type === 'tool_call_finished');
    expect(finished).toMatchObject({ tool: 'a2a_echo_agent', status: 'ok' });
    expect(JSON.parse((finished as { output: string }).output)).toMatchObject({
      state: 'completed',
      text: 'echo: ping\n\ndone',
    });
    expect(events.filter((e) => e.type === 'tool_progress').length).toBeGreaterThan(0);

    const exported = await agents.traces.exportOtlp(run.runId);
    const spans = exported.resourceSpans[0]!.scopeSpans[0]!.spans;
    const toolSpan = spans.find((s) => s.name === 'execute_tool a2a_echo_agent')!;
    const remote = spans.find((s) => s.name === 'a2a.call')!;
    expect(remote).toMatchObject({ kind: 3, parentSpanId: toolSpan.spanId, status: { code: 1 } });
    // The published definitions read the same: a client span under the tool's internal one.
    const decoded = decodeOtlp(exported).resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(decoded.find((s) => s.name === 'a2a.call')!.kind).toBe(SPAN_KIND.SPAN_KIND_CLIENT);
    expect(decoded.find((s) => s.name === toolSpan.name)!.kind).toBe(SPAN_KIND.SPAN_KIND_INTERNAL);
    const attribute = (key: string) => remote.attributes.find((a) => a.key === key)?.value;
    expect(attribute('a2a.state')).toEqual({ stringValue: 'completed' });
    expect(attribute('url.full')).toEqual({ stringValue: `${fixture.agent.url}/rpc` });
  });

  it('a reload while the tool’s message is out: the call waits for the user, nothing is sent again by itself', async () => {
    // A registered tool has no place to keep the agent's task id across a reload (a pipeline node does):
    // being not idempotent, the call becomes an `interrupted` interruption instead of a second message.
    const network = pageNetwork();
    const names = fresh('agents-remote');
    const openPage = async (fetchImpl?: typeof fetch) => {
      const tool = a2aAgentTool(
        await connectA2AAgent(fixture.agent.url, fetchImpl ? { fetch: fetchImpl } : {}),
      );
      const agents = createAgents({
        model: new ScriptedModel([{ calls: [{ name: tool.name, arguments: { message: 'hold' } }] }]),
        tools: [tool],
        databaseName: names,
        locks: memoryLocks(),
        a2a: { store: false },
      });
      track(agents);
      return agents;
    };
    const first = await openPage(network.fetch);
    const before = fixture.agent.executor.received.length;
    const run = first.run({ agent: { name: 'caller', tools: ['a2a_echo_agent'] }, input: 'Hold it' });
    for await (const event of run) {
      if (event.type === 'tool_progress' && event.progress.message === 'working: thinking') break;
    }
    expect(fixture.agent.executor.holding).toBe(1);
    network.kill();

    const second = await openPage();
    const paused = await second.resume(run.runId).result;
    fixture.agent.executor.release();
    if (paused.status !== 'paused') throw new Error(`expected a pause, got ${paused.status}`);
    expect(paused.interruptions).toEqual([
      expect.objectContaining({
        kind: 'interrupted',
        tool: 'a2a_echo_agent',
        arguments: { message: 'hold' },
      }),
    ]);
    expect(receivedSince(before)).toEqual(['hold']);
  });
});
