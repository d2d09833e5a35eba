// A remote A2A agent as a node of a pipeline (tests/support/remote-agent-pages.ts says what is real).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { connectA2AAgent, createAgents, memoryLocks, type AgentEvent } from '../../../src/agent/index.ts';
import { drain, handOff, itemsOf, useRemoteAgent } from '../../support/remote-agent-pages.ts';
import { decodeOtlp, hex, SPAN_KIND } from '../../support/otlp-proto.ts';
import { ScriptedModel, type Script } from '../../support/scripted-model.ts';

const { fixture, fresh, track, page, helpdesk, triage, receivedSince } = useRemoteAgent();

describe('a remote A2A agent as a handoff target', () => {
  it('takes the conversation: it is sent the user’s message only, its updates are run events, its answer is the run’s answer, its call a client span', async () => {
    const { agents, model, store } = page(handOff);
    await store.add(fixture.agent.url);
    const before = fixture.agent.executor.received.length;
    const run = agents.run({ pipeline: triage(), input: 'Where is order 42?' });
    const events = await drain(run);
    const result = await run.result;

    // The agent echoes exactly what it was sent: the user's words, not the local instructions or thread.
    expect(receivedSince(before)).toEqual(['Where is order 42?']);
    expect(result).toMatchObject({
      status: 'completed',
      agent: 'helpdesk',
      output: 'echo: Where is order 42?\n\ndone',
    });
    expect(model.requests).toHaveLength(1); // only triage's turn ran on the local model
    expect(model.requests[0]!.tools?.map((t) => t.function.name)).toEqual(['transfer_to_helpdesk']);
    expect(model.requests[0]!.tools?.[0]!.function.description).toContain('remote agent');

    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['run_started', 'turn_finished', 'handoff']);
    expect(types.at(-1)).toBe('run_finished');
    const updates = events.flatMap((e) => (e.type === 'remote_update' ? [e] : []));
    expect(updates.map((u) => u.text)).toEqual([
      'task submitted',
      'working: thinking',
      'artifact answer',
      'artifact answer',
      'completed: done',
    ]);
    expect(new Set(updates.map((u) => u.agent))).toEqual(new Set(['helpdesk']));
    const taskId = (updates[0]!.update as { taskId: string }).taskId;
    expect(fixture.agent.executor.received.at(-1)!.taskId).toBe(taskId);

    // The thread: the handoff, then the remote agent's answer with its task and context.
    const thread = await itemsOf(agents, result.threadId);
    expect(thread.map((i) => i.type)).toEqual([
      'user',
      'instructions',
      'assistant',
      'tool_result',
      'assistant',
    ]);
    expect(thread.at(-1)).toMatchObject({
      agent: 'helpdesk',
      text: 'echo: Where is order 42?\n\ndone',
      toolCalls: [],
      remote: { url: `${fixture.agent.url}/`, state: 'completed', taskId },
    });

    const spans = await agents.traces.spans(result.runId);
    const call = spans.find((s) => s.name === 'a2a.call')!;
    const helpdeskSpan = spans.find((s) => s.name === 'invoke_agent helpdesk')!;
    expect(call).toMatchObject({
      kind: 'remote',
      parentSpanId: helpdeskSpan.spanId,
      status: 'ok',
      attributes: {
        'gen_ai.agent.name': 'helpdesk',
        'a2a.agent': 'Echo Agent',
        'a2a.task_id': taskId,
        'a2a.state': 'completed',
        'url.full': `${fixture.agent.url}/rpc`,
      },
    });
    // The export as a collector reads it: decoded with the published opentelemetry-proto definitions.
    const otlp = decodeOtlp(await agents.traces.exportOtlp(result.runId));
    const exported = otlp.resourceSpans[0]!.scopeSpans[0]!.spans;
    const client = exported.filter((s) => s.kind === SPAN_KIND.SPAN_KIND_CLIENT);
    expect(client.map((s) => s.name)).toEqual(['a2a.call']);
    expect(hex(client[0]!.parentSpanId!)).toBe(helpdeskSpan.spanId);
  });

  it('a pipeline naming an agent the user never added, or one that is down, stops before anything runs', async () => {
    const { agents, model, store } = page(handOff);
    const unknown = agents.run({ pipeline: triage(), input: 'Hello' });
    await expect(unknown.result).rejects.toMatchObject({
      code: 'AGENT_REMOTE_UNKNOWN',
      details: { problems: [{ code: 'AGENT_REMOTE_UNKNOWN', path: ['agents', 1, 'url'] }] },
    });
    expect((await drain(unknown)).map((e) => e.type)).toEqual(['error']);

    await store.add(fixture.nowhere);
    const down = agents.run({ pipeline: triage({ url: fixture.nowhere }), input: 'Hello' });
    await expect(down.result).rejects.toMatchObject({
      code: 'AGENT_REMOTE_UNAVAILABLE',
      message: expect.stringContaining('A2A_UNREACHABLE'),
    });
    // Nothing ran and nothing was written; the store says what the run found.
    expect(model.requests).toHaveLength(0);
    expect(await agents.threads.list()).toEqual([]);
    expect(await store.get(`${fixture.nowhere}/`)).toMatchObject({
      state: 'failed',
      error: { code: 'A2A_UNREACHABLE' },
    });

    // The same checks for an editor, without running.
    expect(await agents.checkRemoteAgents(triage({ url: fixture.nowhere }))).toMatchObject({
      ok: false,
      problems: [{ code: 'AGENT_REMOTE_UNAVAILABLE', path: ['agents', 1, 'url'] }],
    });
    await store.add(fixture.agent.url);
    expect(await agents.checkRemoteAgents(triage())).toMatchObject({ ok: true });
  });

  it('the pipeline format: shape errors with their paths, hand-back targets checked', () => {
    const { agents } = page([]);
    const problems = (json: unknown) => {
      const check = agents.validatePipeline(json);
      return check.ok ? [] : check.problems.map((p) => ({ code: p.code, path: p.path.join('.') }));
    };
    expect(problems(triage({ url: undefined }))).toEqual([
      { code: 'AGENT_PIPELINE_INVALID', path: 'agents.1.url' },
    ]);
    expect(problems(triage({ url: 'ftp://agent.example' }))).toEqual([
      { code: 'AGENT_PIPELINE_INVALID', path: 'agents.1.url' },
    ]);
    expect(problems(triage({ tools: ['calculator'] }))).toEqual([
      { code: 'AGENT_PIPELINE_INVALID', path: 'agents.1' },
    ]);
    expect(problems(triage({ handBack: 'nobody' }))).toEqual([
      { code: 'AGENT_UNKNOWN_AGENT', path: 'agents.1.handBack' },
    ]);
    expect(
      problems(triage({ handBack: 'other' }, [{ kind: 'a2a', name: 'other', url: 'https://other.example' }])),
    ).toEqual([{ code: 'AGENT_PIPELINE_INVALID', path: 'agents.1.handBack' }]);
    // A remote agent that hands back to the agent that handed off to it, which must always hand off: a circle.
    expect(
      problems({
        version: 1,
        name: 'loop',
        entry: 'triage',
        agents: [
          {
            name: 'triage',
            handoffs: ['helpdesk'],
            model: { toolChoice: 'required', resetToolChoice: false },
          },
          helpdesk({ handBack: 'triage' }),
        ],
      }),
    ).toEqual([{ code: 'AGENT_PIPELINE_CYCLE', path: 'agents.0' }]);
    expect(problems(triage({ handBack: 'triage' }))).toEqual([]);
  });

  it('an agent the app passed needs no store; a remote entry agent answers the user directly', async () => {
    const connected = await connectA2AAgent(fixture.agent.url);
    const model = new ScriptedModel([]);
    const agents = createAgents({
      model,
      databaseName: fresh('agents-remote'),
      locks: memoryLocks(),
      a2a: { store: false, agents: [connected] },
    });
    track(agents);
    const result = await agents.run({
      pipeline: { version: 1, name: 'direct', entry: 'helpdesk', agents: [helpdesk()] },
      input: 'Hi there',
    }).result;
    expect(result).toMatchObject({ status: 'completed', output: 'echo: Hi there\n\ndone' });
    expect(model.requests).toHaveLength(0);
  });

  it('a question from the agent is the run’s answer; the next run on the thread answers that task', async () => {
    const { agents, store } = page([...handOff, ...handOff]);
    await store.add(fixture.agent.url);
    const before = fixture.agent.executor.received.length;
    const first = await agents.run({ pipeline: triage(), input: 'ask' }).result;
    expect(first).toMatchObject({ status: 'completed', agent: 'helpdesk', output: 'Which city?' });
    const asked = (await itemsOf(agents, first.threadId)).at(-1)!;
    expect(asked).toMatchObject({ remote: { state: 'input-required' } });

    const second = await agents.run({ pipeline: triage(), input: 'Paris', threadId: first.threadId }).result;
    expect(second).toMatchObject({ status: 'completed', output: 'Weather in Paris: sunny' });
    const [question, answer] = fixture.agent.executor.received.slice(before);
    expect([question!.text, answer!.text]).toEqual(['ask', 'Paris']);
    // The answer went to the task that asked, in its conversation.
    expect(answer!.taskId).toBe(question!.taskId);
    expect(answer!.contextId).toBe(question!.contextId);
    if (asked.type !== 'assistant') throw new Error('expected the agent’s question');
    expect(answer!.taskId).toBe(asked.remote!.taskId);
  });

  it('hands back: the remote answer joins the thread and a local agent answers from it', async () => {
    const { agents, model, store } = page([...handOff, { text: 'The helpdesk says: echo.' }]);
    await store.add(fixture.agent.url);
    const run = agents.run({
      pipeline: triage({ handBack: 'editor' }, [{ name: 'editor', instructions: 'Rephrase the answer.' }]),
      input: 'Status?',
    });
    const events = await drain(run);
    expect(await run.result).toMatchObject({
      status: 'completed',
      agent: 'editor',
      output: 'The helpdesk says: echo.',
    });
    expect(
      events.filter((e) => e.type === 'handoff').map((e) => e.type === 'handoff' && `${e.from}→${e.to}`),
    ).toEqual(['triage→helpdesk', 'helpdesk→editor']);
    // The editor reads the remote answer as an assistant message, then its own instructions.
    const prompt = model.requests[1]!.messages;
    expect(prompt.at(-2)).toEqual({ role: 'assistant', content: 'echo: Status?\n\ndone' });
    expect(prompt.at(-1)).toMatchObject({
      role: 'system',
      content: expect.stringContaining('You are editor.'),
    });
  });

  it('asked as a tool and as a fan-out branch: a nested run whose answer is the result', async () => {
    const script: Script = (request) => {
      const last = request.messages.at(-1)!;
      if (last.role === 'system' && last.content.includes('You are boss'))
        return { calls: [{ name: 'ask_helpdesk', arguments: { input: 'Order 7?' } }] };
      if (last.role === 'tool') return { text: `Boss read: ${last.content}` };
      const result = request.messages.findLast((m) => m.role === 'tool');
      if (last.role === 'system' && last.content.includes('You are writer') && result)
        return { text: `Writer read: ${result.content}` };
      return { text: 'unexpected' };
    };
    const { agents, store } = page(script);
    await store.add(fixture.agent.url);
    const asked = agents.run({
      pipeline: {
        version: 1,
        name: 'boss',
        entry: 'boss',
        agents: [{ name: 'boss', agentTools: ['helpdesk'] }, helpdesk()],
      },
      input: 'Ask the helpdesk about order 7',
    });
    const events = await drain(asked);
    const result = await asked.result;
    expect(result).toMatchObject({ status: 'completed', output: 'Boss read: echo: Order 7?\n\ndone' });
    const nested = events.filter((e) => e.parentRunId === result.runId && e.type === 'remote_update');
    expect(nested.length).toBeGreaterThan(0);

    const fanned = await agents.run({
      pipeline: {
        version: 1,
        name: 'fan',
        entry: 'fan',
        agents: [
          { kind: 'fan_out', name: 'fan', branches: ['helpdesk'], merge: 'writer' },
          helpdesk(),
          { name: 'writer' },
        ],
      },
      input: 'Order 9?',
    }).result;
    expect(fanned).toMatchObject({ status: 'completed', output: 'Writer read: echo: Order 9?\n\ndone' });
  });

  it('abort cancels the remote task; the thread stays whole', async () => {
    const { agents, store } = page(handOff);
    await store.add(fixture.agent.url);
    const run = agents.run({ pipeline: triage(), input: 'slow' });
    let taskId: string | undefined;
    const events: AgentEvent[] = [];
    for await (const event of run) {
      events.push(event);
      if (event.type === 'remote_update' && event.text === 'working: step 2') {
        taskId = (event.update as { taskId: string }).taskId;
        run.abort('stop pressed');
      }
    }
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(taskId).toBeDefined();
    expect(fixture.agent.executor.cancelRequests.has(taskId!)).toBe(true);
    await expect.poll(() => fixture.agent.executor.canceled.has(taskId!)).toBe(true);
    expect(events.some((e) => e.type === 'remote_update' && e.text === 'task canceled on the agent')).toBe(
      true,
    );
    const view = await agents.runs.get(run.runId);
    expect(view.run).toMatchObject({ status: 'aborted', step: null });
    const thread = await itemsOf(agents, view.run.threadId);
    expect(thread.map((i) => i.type)).toEqual(['user', 'instructions', 'assistant', 'tool_result']);
    const spans = await agents.traces.spans(run.runId);
    expect(spans.find((s) => s.name === 'a2a.call')).toMatchObject({
      status: 'error',
      attributes: { 'a2a.task_id': taskId, 'a2a.cancel_confirmed': true },
    });
  });

  it('past its timeout the remote task is canceled and the run fails with AGENT_REMOTE_TIMEOUT', async () => {
    const { agents, store } = page(handOff);
    await store.add(fixture.agent.url);
    const run = agents.run({ pipeline: triage({ timeoutMs: 400 }), input: 'slow' });
    await expect(run.result).rejects.toMatchObject({ code: 'AGENT_REMOTE_TIMEOUT' });
    const taskId = fixture.agent.executor.received.at(-1)!.taskId;
    expect(fixture.agent.executor.cancelRequests.has(taskId)).toBe(true);
  });
});
