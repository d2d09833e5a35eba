import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createAgents,
  defineTool,
  memoryLocks,
  type AgentEvent,
  type AgentsApi,
  type AgentsOptions,
  type PipelineInput,
  type ThreadItem,
} from '../../../src/agent/index.ts';
import { isHearthError } from '../../../src/core/errors.ts';
import { ScriptedModel, type Script } from '../../support/scripted-model.ts';

let counter = 0;
const open: AgentsApi[] = [];
function agentsWith(script: Script | ScriptedModel, options: Partial<AgentsOptions> = {}) {
  const model = script instanceof ScriptedModel ? script : new ScriptedModel(script);
  const agents = createAgents({
    model,
    databaseName: `agents-loop-${process.pid}-${counter++}`,
    locks: memoryLocks(),
    ...options,
  });
  open.push(agents);
  return { agents, model };
}
afterEach(() => {
  while (open.length) open.pop()!.dispose();
});

async function collect(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

const items = async (agents: AgentsApi, threadId: string): Promise<ThreadItem[]> =>
  (await agents.threads.get(threadId)).items.map((r) => r.item);

/** Every assistant tool call in the thread has exactly one result, after it, and nothing is left open. */
function expectWholeThread(thread: ThreadItem[]) {
  const open = new Map<string, number>();
  thread.forEach((item, i) => {
    if (item.type === 'assistant') for (const call of item.toolCalls) open.set(call.id, i);
    if (item.type === 'tool_result') {
      expect(open.has(item.callId), `result ${item.callId} follows its call`).toBe(true);
      open.delete(item.callId);
    }
  });
  expect([...open.keys()]).toEqual([]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const single = (agent: Record<string, unknown>): PipelineInput =>
  ({ version: 1, name: 'one', entry: 'helper', agents: [{ name: 'helper', ...agent }] }) as PipelineInput;

describe('the agent loop with a scripted model', () => {
  it('answers, streams typed events and stores the thread', async () => {
    const { agents, model } = agentsWith([
      { calls: [{ name: 'calculator', arguments: { expression: '6 * 7' } }] },
      { text: 'It is 42.' },
    ]);
    const run = agents.run({
      pipeline: single({ instructions: 'Use the calculator.', tools: ['calculator'] }),
      input: 'What is 6 × 7?',
    });
    const events = await collect(run);
    const result = await run.result;
    expect(result).toMatchObject({ status: 'completed', output: 'It is 42.', agent: 'helper' });
    expect(events.map((e) => e.type)).toEqual([
      'run_started',
      'turn_finished',
      'tool_call_started',
      'tool_call_finished',
      ...Array(2).fill('text_delta'), // 'It is 42.' in pieces of 8 characters
      'turn_finished',
      'run_finished',
    ]);
    const finished = events.find((e) => e.type === 'tool_call_finished');
    expect(finished).toMatchObject({ status: 'ok', output: '{"expression":"6 * 7","value":42}' });
    expect(result.usage).toMatchObject({ model_calls: 2, tool_calls: 1 });
    const thread = await items(agents, result.threadId);
    expect(thread.map((i) => i.type)).toEqual([
      'user',
      'instructions',
      'assistant',
      'tool_result',
      'assistant',
    ]);
    expectWholeThread(thread);
    // The second turn's prompt is the first one with the turn's output and result after it.
    const [first, second] = model.requests;
    expect(second!.messages.slice(0, first!.messages.length)).toEqual(first!.messages);
    expect(second!.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_0_0' });
    expect(first!.tools?.map((t) => t.function.name)).toEqual(['calculator']);
  });

  it('runs independent calls in parallel up to the concurrency cap, and keeps call order in the thread', async () => {
    const spans: Array<{ name: string; start: number; end: number }> = [];
    const slow = defineTool({
      name: 'slow',
      description: 'waits',
      parameters: z.object({ ms: z.number(), tag: z.string() }),
      execute: async ({ ms, tag }) => {
        const start = performance.now();
        await sleep(ms);
        spans.push({ name: tag, start, end: performance.now() });
        return tag;
      },
    });
    const script: Script = [
      {
        calls: [
          { name: 'slow', arguments: { ms: 120, tag: 'a' } },
          { name: 'slow', arguments: { ms: 40, tag: 'b' } },
          { name: 'slow', arguments: { ms: 40, tag: 'c' } },
        ],
      },
      { text: 'done' },
    ];
    const { agents } = agentsWith(script, { tools: [slow] });
    const result = await agents.run({
      pipeline: single({ tools: ['slow'] }),
      input: 'go',
      limits: { toolConcurrency: 2 },
    }).result;
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    // a and b overlap (two slots); c waits for b's slot, so it starts after b ends and before a ends.
    expect(byName.b!.start).toBeLessThan(byName.a!.end);
    expect(byName.c!.start).toBeGreaterThanOrEqual(byName.b!.end - 1);
    expect(byName.c!.start).toBeLessThan(byName.a!.end);
    const thread = await items(agents, result.threadId);
    expect(
      thread.filter((i) => i.type === 'tool_result').map((i) => (i as { output: string }).output),
    ).toEqual(['a', 'b', 'c']);
  });

  it('hands off: the new agent’s instructions follow the conversation, and its prompt extends the last one', async () => {
    const pipeline: PipelineInput = {
      version: 1,
      name: 'support',
      entry: 'triage',
      agents: [
        { name: 'triage', instructions: 'Route the question.', handoffs: ['billing'] },
        { name: 'billing', instructions: 'Answer billing questions.', tools: ['calculator'] },
      ],
    };
    const { agents, model } = agentsWith([
      { calls: [{ name: 'transfer_to_billing' }] },
      { text: 'Your bill is 12.' },
    ]);
    const run = agents.run({ pipeline, input: 'How much do I owe?' });
    const events = await collect(run);
    expect(await run.result).toMatchObject({
      status: 'completed',
      agent: 'billing',
      output: 'Your bill is 12.',
    });
    expect(events.find((e) => e.type === 'handoff')).toMatchObject({ from: 'triage', to: 'billing' });
    const [first, second] = model.requests;
    expect(second!.messages.slice(0, first!.messages.length)).toEqual(first!.messages);
    expect(second!.messages.at(-1)).toMatchObject({ role: 'system' });
    expect(second!.messages.at(-1)!.content).toContain('You are billing.');
    // One tool list for the whole pipeline: the prompt's start does not change at the handoff.
    expect(second!.tools).toEqual(first!.tools);
    // triage has only the handoff: a forced call would be named; here it may answer (auto).
    expect(first!.tool_choice).toBe('auto');
  });

  it('a supervisor asks a specialist (an agent as a tool) on its own thread', async () => {
    const pipeline: PipelineInput = {
      version: 1,
      name: 'team',
      entry: 'supervisor',
      agents: [
        { name: 'supervisor', agentTools: ['math'] },
        { name: 'math', instructions: 'Compute.', tools: ['calculator'] },
      ],
    };
    const { agents, model } = agentsWith((request, turn) => {
      const last = request.messages.at(-1)!;
      if (turn === 0) return { calls: [{ name: 'ask_math', arguments: { input: 'What is 2^10?' } }] };
      if (last.role === 'system' && last.content.includes('You are math'))
        return { calls: [{ name: 'calculator', arguments: { expression: '2^10' } }] };
      if (last.role === 'tool' && last.content.includes('1024')) {
        return request.messages.some((m) => m.role === 'system' && m.content.includes('You are math'))
          ? { text: '1024' }
          : { text: 'The specialist says 1024.' };
      }
      return { text: 'lost' };
    });
    const run = agents.run({ pipeline, input: 'Ask math for 2^10' });
    const events = await collect(run);
    const result = await run.result;
    expect(result).toMatchObject({ status: 'completed', output: 'The specialist says 1024.' });
    expect(model.requests).toHaveLength(4);
    const nested = events.filter((e) => e.parentRunId === result.runId);
    expect(nested.some((e) => e.type === 'tool_call_finished' && e.tool === 'calculator')).toBe(true);
    expect(result.usage.model_calls).toBe(4); // the nested run's turns count in the root's usage
    const view = await agents.runs.get(result.runId);
    expect(view.children).toHaveLength(1);
    expect(view.children[0]).toMatchObject({ status: 'completed', output: '1024', agent: 'math' });
    const childThread = await items(agents, view.children[0]!.threadId);
    expect(childThread[0]).toEqual({ type: 'user', text: 'What is 2^10?' });
    expect((await agents.threads.list()).map((t) => t.id)).toEqual([result.threadId]); // private threads not listed
  });

  it('fans out to branches in parallel, then the merge agent answers from their results', async () => {
    const pipeline: PipelineInput = {
      version: 1,
      name: 'fan',
      entry: 'research',
      agents: [
        { kind: 'fan_out', name: 'research', branches: ['web', 'docs'], merge: 'writer' },
        { name: 'web', instructions: 'Answer from the web.' },
        { name: 'docs', instructions: 'Answer from the docs.' },
        { name: 'writer', instructions: 'Merge the answers.' },
      ],
    };
    const started: Record<string, number> = {};
    const { agents } = agentsWith((request) => {
      const who = [...request.messages].reverse().find((m) => m.role === 'system')!.content;
      if (who.includes('You are web'))
        return ((started.web = performance.now()), { text: 'web: 1', delayMs: 60 });
      if (who.includes('You are docs'))
        return ((started.docs = performance.now()), { text: 'docs: 2', delayMs: 60 });
      const results = request.messages.filter((m) => m.role === 'tool').map((m) => m.content);
      return { text: `merged ${results.join(' + ')}` };
    });
    const run = agents.run({ pipeline, input: 'question' });
    const events = await collect(run);
    const result = await run.result;
    expect(result).toMatchObject({ status: 'completed', agent: 'writer', output: 'merged web: 1 + docs: 2' });
    // Both branches started before either could finish (each takes 60 ms).
    expect(Math.abs(started.web! - started.docs!)).toBeLessThan(60);
    expect(events.filter((e) => e.type === 'handoff')).toEqual([
      expect.objectContaining({ from: 'research', to: 'writer' }),
    ]);
    expectWholeThread(await items(agents, result.threadId));
  });

  it('stops at maxTurns with AGENT_MAX_TURNS, every call answered in the thread', async () => {
    const { agents, model } = agentsWith(() => ({
      calls: [{ name: 'calculator', arguments: { expression: '1+1' } }],
    }));
    const run = agents.run({
      pipeline: single({ tools: ['calculator'] }),
      input: 'loop',
      limits: { maxTurns: 3 },
    });
    const events = await collect(run);
    await expect(run.result).rejects.toMatchObject({ code: 'AGENT_MAX_TURNS' });
    expect(model.requests).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'failed' });
    const [stored] = await agents.runs.list();
    expect(stored).toMatchObject({ status: 'failed', error: { code: 'AGENT_MAX_TURNS' } });
    expectWholeThread(await items(agents, stored!.threadId));
  });

  it('abort mid-tool: the tool sees its signal, the run rejects ABORTED, the thread is whole', async () => {
    let toolSignal: AbortSignal | undefined;
    const wait = defineTool({
      name: 'wait',
      description: 'waits for its signal',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          toolSignal = signal;
          signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    });
    const { agents } = agentsWith([{ calls: [{ name: 'wait' }] }], { tools: [wait] });
    const controller = new AbortController();
    const run = agents.run({ pipeline: single({ tools: ['wait'] }), input: 'go', signal: controller.signal });
    for await (const event of run)
      if (event.type === 'tool_call_started') controller.abort('the user pressed stop');
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
    expect(toolSignal?.aborted).toBe(true);
    const [stored] = await agents.runs.list();
    expect(stored!.status).toBe('aborted');
    const thread = await items(agents, stored!.threadId);
    expect(thread.at(-1)).toMatchObject({ type: 'tool_result', status: 'aborted' });
    expectWholeThread(thread);
  });

  it('a tool that never settles times out; the model reads that, and the run goes on', async () => {
    const never = defineTool({
      name: 'never',
      description: 'never answers',
      parameters: z.object({}),
      timeoutMs: 50,
      execute: () => new Promise(() => undefined),
    });
    const { agents, model } = agentsWith([{ calls: [{ name: 'never' }] }, { text: 'It timed out.' }], {
      tools: [never],
    });
    const started = performance.now();
    const result = await agents.run({ pipeline: single({ tools: ['never'] }), input: 'go' }).result;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ status: 'completed', output: 'It timed out.' });
    expect(model.requests[1]!.messages.at(-1)!.content).toBe(
      'The tool never did not finish within 50 ms and was stopped.',
    );
  });

  it('a tool that throws: the model reads the error', async () => {
    const broken = defineTool({
      name: 'broken',
      description: 'fails',
      parameters: z.object({}),
      execute: () => {
        throw new Error('disk on fire');
      },
    });
    const { agents, model } = agentsWith([{ calls: [{ name: 'broken' }] }, { text: 'Sorry.' }], {
      tools: [broken],
    });
    const run = agents.run({ pipeline: single({ tools: ['broken'] }), input: 'go' });
    const events = await collect(run);
    expect((await run.result).status).toBe('completed');
    expect(events.find((e) => e.type === 'tool_call_finished')).toMatchObject({ status: 'error' });
    expect(model.requests[1]!.messages.at(-1)!.content).toBe('The tool broken failed: disk on fire');
  });

  it('invalid arguments go back to the model, which corrects itself; unknown tools too', async () => {
    const { agents, model } = agentsWith([
      {
        calls: [
          { name: 'calculator', arguments: { expr: '1+1' } },
          { name: 'calculator', raw: '{"expression": ' },
          { name: 'weather', arguments: {} },
        ],
      },
      { calls: [{ name: 'calculator', arguments: { expression: '1+1' } }] },
      { text: '2' },
    ]);
    const result = await agents.run({ pipeline: single({ tools: ['calculator'] }), input: '1+1?' }).result;
    expect(result).toMatchObject({ status: 'completed', output: '2' });
    const results = model.requests[1]!.messages.filter((m) => m.role === 'tool').map((m) => m.content);
    expect(results[0]).toMatch(/^Invalid arguments for calculator: .*expression/s);
    expect(results[1]).toMatch(/not valid JSON/);
    expect(results[2]).toBe('helper has no tool "weather". Its tools: calculator.');
    expect(model.requests[2]!.messages.at(-1)!.content).toBe('{"expression":"1+1","value":2}');
  });

  it('a schema the model cannot satisfy ends the run with AGENT_ARGUMENTS_REJECTED, not a hang', async () => {
    const picky = defineTool({
      name: 'picky',
      description: 'wants an impossible code',
      parameters: z.object({ code: z.string().refine(() => false, 'no code is ever right') }),
      execute: () => 'never reached',
    });
    const { agents, model } = agentsWith(() => ({ calls: [{ name: 'picky', arguments: { code: 'x' } }] }), {
      tools: [picky],
    });
    const run = agents.run({ pipeline: single({ tools: ['picky'] }), input: 'go' });
    await expect(run.result).rejects.toMatchObject({ code: 'AGENT_ARGUMENTS_REJECTED' });
    expect(model.requests).toHaveLength(3);
    const [stored] = await agents.runs.list();
    expectWholeThread(await items(agents, stored!.threadId));
  });

  it('a 10 MB result is cut for the model with a note; the whole is kept for the UI', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const huge = defineTool({
      name: 'huge',
      description: 'returns 10 MB',
      parameters: z.object({}),
      execute: () => big,
    });
    const { agents, model } = agentsWith([{ calls: [{ name: 'huge' }] }, { text: 'ok' }], { tools: [huge] });
    const run = agents.run({
      pipeline: single({ tools: ['huge'] }),
      input: 'go',
      limits: { maxResultBytes: 4096 },
    });
    const events = await collect(run);
    const result = await run.result;
    const seen = model.requests[1]!.messages.at(-1)!.content ?? '';
    expect(new TextEncoder().encode(seen).length).toBeLessThanOrEqual(4096);
    expect(seen).toMatch(/\[truncated: the result was 10485760 bytes; only the first 4096 are shown\]$/);
    expect(events.find((e) => e.type === 'tool_call_finished')).toMatchObject({
      truncated: true,
      bytes: 10485760,
    });
    expect(await agents.runs.toolResult(result.runId, 'call_0_0')).toBe(big);
  });

  it('a pipeline that hands off in a loop stops with AGENT_HANDOFF_LOOP, the thread whole', async () => {
    const pipeline: PipelineInput = {
      version: 1,
      name: 'pingpong',
      entry: 'ping',
      agents: [
        { name: 'ping', handoffs: ['pong'] },
        { name: 'pong', handoffs: ['ping'] },
      ],
      limits: { maxHandoffs: 4, maxTurns: 50 },
    };
    const { agents, model } = agentsWith((request) => {
      const who = [...request.messages].reverse().find((m) => m.role === 'system')!.content;
      return { calls: [{ name: who.includes('You are ping') ? 'transfer_to_pong' : 'transfer_to_ping' }] };
    });
    const run = agents.run({ pipeline, input: 'serve' });
    await expect(run.result).rejects.toMatchObject({ code: 'AGENT_HANDOFF_LOOP' });
    expect(model.requests).toHaveLength(5);
    const [stored] = await agents.runs.list();
    expectWholeThread(await items(agents, stored!.threadId));
  });
});

describe('pipelines are checked before anything runs', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not a pipeline', { version: 2, agents: [] }, 'AGENT_PIPELINE_INVALID'],
    [
      'an unknown agent',
      { version: 1, name: 'p', entry: 'a', agents: [{ name: 'a', handoffs: ['ghost'] }] },
      'AGENT_UNKNOWN_AGENT',
    ],
    [
      'a missing tool',
      { version: 1, name: 'p', entry: 'a', agents: [{ name: 'a', tools: ['teleport'] }] },
      'AGENT_TOOL_MISSING',
    ],
    [
      'a cycle with no way out',
      {
        version: 1,
        name: 'p',
        entry: 'a',
        agents: [
          { name: 'a', handoffs: ['b'], model: { toolChoice: 'required', resetToolChoice: false } },
          { name: 'b', handoffs: ['a'], model: { toolChoice: 'required', resetToolChoice: false } },
        ],
      },
      'AGENT_PIPELINE_CYCLE',
    ],
    [
      'agents calling each other as tools',
      {
        version: 1,
        name: 'p',
        entry: 'a',
        agents: [
          { name: 'a', agentTools: ['b'] },
          { name: 'b', agentTools: ['a'] },
        ],
      },
      'AGENT_PIPELINE_CYCLE',
    ],
  ];
  for (const [what, pipeline, code] of cases) {
    it(`${what} → ${code}, and the model is never called`, async () => {
      const { agents, model } = agentsWith([{ text: 'should not run' }]);
      const check = agents.validatePipeline(pipeline);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.problems[0]!.code).toBe(code);
      const run = agents.run({ pipeline, input: 'hi' });
      const events = await collect(run);
      const error = await run.result.catch((e: unknown) => e);
      expect(isHearthError(error) && error.code).toBe(code);
      expect(events).toEqual([
        expect.objectContaining({ type: 'error', error: expect.objectContaining({ code }) }),
      ]);
      expect(model.requests).toHaveLength(0);
      expect(await agents.runs.list()).toEqual([]);
    });
  }

  it('a cycle that can answer is fine', () => {
    const { agents } = agentsWith([]);
    const check = agents.validatePipeline({
      version: 1,
      name: 'p',
      entry: 'a',
      agents: [
        { name: 'a', handoffs: ['b'] },
        { name: 'b', handoffs: ['a'], model: { toolChoice: 'required', resetToolChoice: false } },
      ],
    });
    expect(check).toMatchObject({ ok: true });
  });
});
