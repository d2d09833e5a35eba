import 'fake-indexeddb/auto';
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  A2AAgentStore,
  a2aAgentTool,
  connectA2AAgent,
  createAgents,
  memoryLocks,
  type AgentEvent,
  type AgentsApi,
  type PipelineInput,
  type RunLocks,
  type ThreadItem,
} from '../../../src/agent/index.ts';
import { closedPortUrl } from '../../e2e/support/a2a-http.ts';
import { startV1Agent, type V1Agent } from '../../e2e/support/a2a-sdk-agents.ts';
import { decodeOtlp, hex, SPAN_KIND } from '../../support/otlp-proto.ts';
import { ScriptedModel, type Script } from '../../support/scripted-model.ts';

// Remote agents in pipelines, in Node: a real A2A agent built with @a2a-js/sdk on a loopback port
// (tests/e2e/support/a2a-sdk-agents.ts), the bridge's real client, fake-indexeddb for the run store and
// the A2A agent store; the model is scripted (the subject is the loop). A "page" is a createAgents over
// the same databases; a reload is a new one, and a dead page is one whose network stops answering.

let agent: V1Agent;
let nowhere: string;
beforeAll(async () => {
  agent = await startV1Agent();
  nowhere = await closedPortUrl(express());
});
afterAll(() => agent?.close());

let counter = 0;
const open: AgentsApi[] = [];
afterEach(() => {
  while (open.length) open.pop()!.dispose();
});

interface Page {
  agents: AgentsApi;
  model: ScriptedModel;
  store: A2AAgentStore;
}

/** A page with its own databases (or those of `like`, as after a reload). */
function page(
  script: Script,
  like?: { db: string; a2a: string },
  extra: { fetch?: typeof fetch; locks?: RunLocks } = {},
): Page & { names: { db: string; a2a: string } } {
  const names = like ?? {
    db: `agents-remote-${process.pid}-${counter}`,
    a2a: `a2a-remote-${process.pid}-${counter++}`,
  };
  const model = new ScriptedModel(script);
  const store = new A2AAgentStore(names.a2a);
  const agents = createAgents({
    model,
    databaseName: names.db,
    locks: extra.locks ?? memoryLocks(),
    a2a: { store, ...(extra.fetch ? { connect: { fetch: extra.fetch } } : {}) },
  });
  open.push(agents);
  return { agents, model, store, names };
}

const helpdesk = (extra: Record<string, unknown> = {}) => ({
  kind: 'a2a' as const,
  name: 'helpdesk',
  url: agent.url,
  description: 'Answers questions about orders.',
  ...extra,
});

const triage = (remote: Record<string, unknown> = {}, more: Record<string, unknown>[] = []): PipelineInput =>
  ({
    version: 1,
    name: 'support',
    entry: 'triage',
    agents: [
      { name: 'triage', instructions: 'Route the question.', handoffs: ['helpdesk'] },
      helpdesk(remote),
      ...more,
    ],
  }) as PipelineInput;

const handOff: Script = [{ calls: [{ name: 'transfer_to_helpdesk' }] }];

async function drain(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

const itemsOf = async (agents: AgentsApi, threadId: string): Promise<ThreadItem[]> =>
  (await agents.threads.get(threadId)).items.map((r) => r.item);

const receivedSince = (before: number) => agent.executor.received.slice(before).map((m) => m.text);

/**
 * A page's network: `kill()` makes it stop answering, as a tab that crashed does (requests in flight never
 * settle, open streams deliver nothing more); `killOnSend` does that when the message itself goes out.
 */
function pageNetwork(options: { killOnSend?: boolean } = {}) {
  let dead = false;
  const never = new Promise<never>(() => undefined);
  const network: typeof fetch = async (input, init) => {
    if (dead) return never;
    if (options.killOnSend && init?.method === 'POST' && String(init.body).includes('SendStreamingMessage')) {
      dead = true;
      return never;
    }
    const response = await fetch(input, init);
    if (!response.body) return response;
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (dead) return never;
        const { done, value } = await reader.read();
        if (dead) return never;
        if (done) controller.close();
        else controller.enqueue(value);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
  return { fetch: network, kill: () => void (dead = true) };
}

describe('a remote A2A agent as a handoff target', () => {
  it('takes the conversation: it is sent the user’s message only, its updates are run events, its answer is the run’s answer, its call a client span', async () => {
    const { agents, model, store } = page(handOff);
    await store.add(agent.url);
    const before = agent.executor.received.length;
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
    expect(agent.executor.received.at(-1)!.taskId).toBe(taskId);

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
      remote: { url: `${agent.url}/`, state: 'completed', taskId },
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
        'url.full': `${agent.url}/rpc`,
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

    await store.add(nowhere);
    const down = agents.run({ pipeline: triage({ url: nowhere }), input: 'Hello' });
    await expect(down.result).rejects.toMatchObject({
      code: 'AGENT_REMOTE_UNAVAILABLE',
      message: expect.stringContaining('A2A_UNREACHABLE'),
    });
    // Nothing ran and nothing was written; the store says what the run found.
    expect(model.requests).toHaveLength(0);
    expect(await agents.threads.list()).toEqual([]);
    expect(await store.get(`${nowhere}/`)).toMatchObject({
      state: 'failed',
      error: { code: 'A2A_UNREACHABLE' },
    });

    // The same checks for an editor, without running.
    expect(await agents.checkRemoteAgents(triage({ url: nowhere }))).toMatchObject({
      ok: false,
      problems: [{ code: 'AGENT_REMOTE_UNAVAILABLE', path: ['agents', 1, 'url'] }],
    });
    await store.add(agent.url);
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
    const connected = await connectA2AAgent(agent.url);
    const model = new ScriptedModel([]);
    const agents = createAgents({
      model,
      databaseName: `agents-remote-${process.pid}-${counter++}`,
      locks: memoryLocks(),
      a2a: { store: false, agents: [connected] },
    });
    open.push(agents);
    const result = await agents.run({
      pipeline: { version: 1, name: 'direct', entry: 'helpdesk', agents: [helpdesk()] },
      input: 'Hi there',
    }).result;
    expect(result).toMatchObject({ status: 'completed', output: 'echo: Hi there\n\ndone' });
    expect(model.requests).toHaveLength(0);
  });

  it('a question from the agent is the run’s answer; the next run on the thread answers that task', async () => {
    const { agents, store } = page([...handOff, ...handOff]);
    await store.add(agent.url);
    const before = agent.executor.received.length;
    const first = await agents.run({ pipeline: triage(), input: 'ask' }).result;
    expect(first).toMatchObject({ status: 'completed', agent: 'helpdesk', output: 'Which city?' });
    const asked = (await itemsOf(agents, first.threadId)).at(-1)!;
    expect(asked).toMatchObject({ remote: { state: 'input-required' } });

    const second = await agents.run({ pipeline: triage(), input: 'Paris', threadId: first.threadId }).result;
    expect(second).toMatchObject({ status: 'completed', output: 'Weather in Paris: sunny' });
    const [question, answer] = agent.executor.received.slice(before);
    expect([question!.text, answer!.text]).toEqual(['ask', 'Paris']);
    // The answer went to the task that asked, in its conversation.
    expect(answer!.taskId).toBe(question!.taskId);
    expect(answer!.contextId).toBe(question!.contextId);
    if (asked.type !== 'assistant') throw new Error('expected the agent’s question');
    expect(answer!.taskId).toBe(asked.remote!.taskId);
  });

  it('hands back: the remote answer joins the thread and a local agent answers from it', async () => {
    const { agents, model, store } = page([...handOff, { text: 'The helpdesk says: echo.' }]);
    await store.add(agent.url);
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
    await store.add(agent.url);
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
    await store.add(agent.url);
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
    expect(agent.executor.cancelRequests.has(taskId!)).toBe(true);
    await expect.poll(() => agent.executor.canceled.has(taskId!)).toBe(true);
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
    await store.add(agent.url);
    const run = agents.run({ pipeline: triage({ timeoutMs: 400 }), input: 'slow' });
    await expect(run.result).rejects.toMatchObject({ code: 'AGENT_REMOTE_TIMEOUT' });
    const taskId = agent.executor.received.at(-1)!.taskId;
    expect(agent.executor.cancelRequests.has(taskId)).toBe(true);
  });
});

describe('durable remote turns', () => {
  it('a reload while the remote task runs follows that task by its id and never sends the message twice', async () => {
    const network = pageNetwork();
    const first = page(handOff, undefined, { fetch: network.fetch });
    await first.store.add(agent.url);
    const before = agent.executor.received.length;
    const run = first.agents.run({ pipeline: triage(), input: 'hold' });
    let taskId: string | undefined;
    for await (const event of run) {
      if (event.type === 'remote_update' && event.text === 'working: thinking') {
        taskId = (event.update as { taskId: string }).taskId;
        break;
      }
    }
    expect(agent.executor.holding).toBe(1);
    // The task id is written: wait for it, then the page dies.
    await expect
      .poll(async () => (await first.agents.runs.get(run.runId)).run.step?.calls[0]?.remote?.taskId)
      .toBe(taskId);
    network.kill();

    const second = page([], first.names);
    const view = await second.agents.runs.get(run.runId);
    expect(view).toMatchObject({ interrupted: true, run: { status: 'running', agent: 'helpdesk' } });
    expect(view.run.step!.calls).toEqual([
      expect.objectContaining({
        kind: 'remote',
        tool: 'helpdesk',
        state: 'running',
        remote: expect.objectContaining({ taskId }),
      }),
    ]);
    const resumed = second.agents.resume(run.runId);
    const seen: AgentEvent[] = [];
    const draining = (async () => {
      for await (const event of resumed) seen.push(event);
    })();
    // The agent shows the task as it stands; then it finishes.
    await expect
      .poll(() => seen.some((e) => e.type === 'remote_update' && e.text === 'task working'))
      .toBe(true);
    agent.executor.release();
    await draining;
    expect(await resumed.result).toMatchObject({ status: 'completed', output: 'echo: hold\n\ndone' });
    expect(receivedSince(before)).toEqual(['hold']); // sent once
    expect(seen[0]).toMatchObject({ type: 'run_started', resumed: true });
    const spans = await second.agents.traces.spans(run.runId);
    const calls = spans.filter((s) => s.name === 'a2a.call');
    // One span for the call, from the send before the reload to the answer after it.
    expect(calls).toEqual([
      expect.objectContaining({
        status: 'ok',
        attributes: expect.objectContaining({ 'a2a.task_id': taskId, 'hearth.remote.followed': true }),
      }),
    ]);
  });

  it('a page that died before the agent named its task: the user decides whether to send again', async () => {
    const network = pageNetwork({ killOnSend: true });
    const first = page(handOff, undefined, { fetch: network.fetch });
    await first.store.add(agent.url);
    const before = agent.executor.received.length;
    const run = first.agents.run({ pipeline: triage(), input: 'Refund me' });
    await expect
      .poll(async () => (await first.agents.runs.get(run.runId)).run.step?.calls[0]?.state)
      .toBe('running');

    const second = page([], first.names);
    const paused = await second.agents.resume(run.runId).result;
    if (paused.status !== 'paused') throw new Error(`expected a pause, got ${paused.status}`);
    expect(paused.interruptions).toEqual([
      expect.objectContaining({ kind: 'interrupted', tool: 'helpdesk', arguments: { message: 'Refund me' } }),
    ]);
    expect(receivedSince(before)).toEqual([]); // nothing went out, and nothing was sent by itself

    const third = page([], first.names);
    const done = await third.agents.resume(run.runId, {
      decisions: [{ interruptionId: paused.interruptions[0]!.id, approve: true }],
    }).result;
    expect(done).toMatchObject({ status: 'completed', output: 'echo: Refund me\n\ndone' });
    expect(receivedSince(before)).toEqual(['Refund me']);
  });

  it('needsApproval: the run pauses before the message goes out; no sends nothing and ends AGENT_REMOTE_NOT_SENT', async () => {
    const { agents, store, names } = page([...handOff, ...handOff]);
    await store.add(agent.url);
    const before = agent.executor.received.length;
    const paused = await agents.run({ pipeline: triage({ needsApproval: true }), input: 'Cancel my plan' })
      .result;
    if (paused.status !== 'paused') throw new Error('expected a pause');
    expect(paused.interruptions).toEqual([
      expect.objectContaining({
        kind: 'approval',
        tool: 'helpdesk',
        arguments: { message: 'Cancel my plan' },
      }),
    ]);
    const later = page([], names);
    const approved = await later.agents.resume(paused.runId, {
      decisions: [{ interruptionId: paused.interruptions[0]!.id, approve: true }],
    }).result;
    expect(approved).toMatchObject({ status: 'completed', output: 'echo: Cancel my plan\n\ndone' });

    const refused = await agents.run({ pipeline: triage({ needsApproval: true }), input: 'Delete it all' })
      .result;
    if (refused.status !== 'paused') throw new Error('expected a pause');
    await expect(
      agents.resume(refused.runId, {
        decisions: [{ interruptionId: refused.interruptions[0]!.id, approve: false }],
      }).result,
    ).rejects.toMatchObject({ code: 'AGENT_REMOTE_NOT_SENT' });
    expect(receivedSince(before)).toEqual(['Cancel my plan']);
  });
});

describe('a remote A2A agent as a tool', () => {
  it('a local agent calls it through a2aAgentTool; its call is a client span under the tool call in the OTLP export', async () => {
    const tool = a2aAgentTool(await connectA2AAgent(agent.url));
    const model = new ScriptedModel([
      { calls: [{ name: tool.name, arguments: { message: 'ping' } }] },
      { text: 'It said ping back.' },
    ]);
    const agents = createAgents({
      model,
      tools: [tool],
      databaseName: `agents-remote-${process.pid}-${counter++}`,
      locks: memoryLocks(),
      a2a: { store: false },
    });
    open.push(agents);
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
    expect(attribute('url.full')).toEqual({ stringValue: `${agent.url}/rpc` });
  });

  it('a reload while the tool’s message is out: the call waits for the user, nothing is sent again by itself', async () => {
    // A registered tool has no place to keep the agent's task id across a reload (a pipeline node does):
    // being not idempotent, the call becomes an `interrupted` interruption instead of a second message.
    const network = pageNetwork();
    const names = `agents-remote-${process.pid}-${counter++}`;
    const openPage = async (fetchImpl?: typeof fetch) => {
      const tool = a2aAgentTool(await connectA2AAgent(agent.url, fetchImpl ? { fetch: fetchImpl } : {}));
      const agents = createAgents({
        model: new ScriptedModel([{ calls: [{ name: tool.name, arguments: { message: 'hold' } }] }]),
        tools: [tool],
        databaseName: names,
        locks: memoryLocks(),
        a2a: { store: false },
      });
      open.push(agents);
      return agents;
    };
    const first = await openPage(network.fetch);
    const before = agent.executor.received.length;
    const run = first.run({ agent: { name: 'caller', tools: ['a2a_echo_agent'] }, input: 'Hold it' });
    for await (const event of run) {
      if (event.type === 'tool_progress' && event.progress.message === 'working: thinking') break;
    }
    expect(agent.executor.holding).toBe(1);
    network.kill();

    const second = await openPage();
    const paused = await second.resume(run.runId).result;
    agent.executor.release();
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
