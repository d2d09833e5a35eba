import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createAgents,
  defineTool,
  memoryLocks,
  type AgentEvent,
  type AgentsApi,
  type AgentTool,
  type PipelineInput,
  type RunLocks,
} from '../../../src/agent/index.ts';
import { ScriptedModel, type Script } from '../../support/scripted-model.ts';

// Durable runs in Node (fake-indexeddb): a "page" is a createAgents instance over the same
// database; a reload is a new instance. The crash of a real tab is tested in Chromium
// (tests/e2e/agents.spec.ts); here the first page simply never finishes its tool.

let counter = 0;
const open: AgentsApi[] = [];
afterEach(() => {
  while (open.length) open.pop()!.dispose();
});

function page(databaseName: string, script: Script, tools: AgentTool[], locks: RunLocks = memoryLocks()) {
  const model = new ScriptedModel(script);
  const agents = createAgents({ model, databaseName, tools, locks });
  open.push(agents);
  return { agents, model };
}

const transfers: string[] = [];
const transfer = defineTool({
  name: 'send_money',
  description: 'Sends money.',
  parameters: z.object({ to: z.string(), amount: z.number() }),
  needsApproval: ({ amount }) => amount > 100,
  execute: ({ to, amount }) => {
    transfers.push(`${amount} to ${to}`);
    return { sent: amount, to };
  },
});

const pipeline = (tools: string[]): PipelineInput => ({
  version: 1,
  name: 'bank',
  entry: 'teller',
  agents: [{ name: 'teller', tools }],
});

async function drain(run: AsyncIterable<AgentEvent>) {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

describe('durable runs', () => {
  it('a run paused for approval survives a reload and continues after approve', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    transfers.length = 0;
    const script: Script = [
      {
        calls: [
          { name: 'send_money', arguments: { to: 'Ann', amount: 500 } },
          { name: 'send_money', arguments: { to: 'Bob', amount: 5 } },
        ],
      },
      { text: 'Both sent.' },
    ];
    const first = page(db, script, [transfer]);
    const run = first.agents.run({ pipeline: pipeline(['send_money']), input: 'Pay Ann 500 and Bob 5' });
    const events = await drain(run);
    const paused = await run.result;
    expect(paused.status).toBe('paused');
    if (paused.status !== 'paused') return;
    expect(paused.interruptions).toEqual([
      expect.objectContaining({
        kind: 'approval',
        tool: 'send_money',
        arguments: { to: 'Ann', amount: 500 },
      }),
    ]);
    expect(events.filter((e) => e.type === 'approval_requested')).toHaveLength(1);
    expect(transfers).toEqual(['5 to Bob']); // the call that needed no approval ran
    // The thread holds no half step: the results join it when the step is settled.
    const before = await first.agents.threads.get(paused.threadId);
    expect(before.items.map((r) => r.item.type)).toEqual(['user', 'instructions', 'assistant']);
    first.agents.dispose();

    // Reload: a new page, the same database; the model continues from the second turn.
    const second = page(db, script.slice(1), [transfer]);
    const view = await second.agents.runs.get(paused.runId);
    expect(view).toMatchObject({ live: false, interrupted: false, run: { status: 'paused' } });
    expect(view.interruptions.map((i) => i.id)).toEqual([paused.interruptions[0]!.id]);
    const resumed = second.agents.resume(paused.runId, {
      decisions: [{ interruptionId: paused.interruptions[0]!.id, approve: true }],
    });
    const after = await drain(resumed);
    expect(await resumed.result).toMatchObject({ status: 'completed', output: 'Both sent.' });
    expect(after[0]).toMatchObject({ type: 'run_started', resumed: true });
    expect(transfers).toEqual(['5 to Bob', '500 to Ann']);
    const thread = (await second.agents.threads.get(paused.threadId)).items.map((r) => r.item);
    expect(thread.map((i) => i.type)).toEqual([
      'user',
      'instructions',
      'assistant',
      'tool_result',
      'tool_result',
      'assistant',
    ]);
    // The model's second prompt holds both results, in call order.
    const tools = second.model.requests[0]!.messages.filter((m) => m.role === 'tool');
    expect(tools.map((m) => JSON.parse(m.content) as unknown)).toEqual([
      { sent: 500, to: 'Ann' },
      { sent: 5, to: 'Bob' },
    ]);
    // The approval span runs from the request to the answer, across the reload.
    const spans = await second.agents.traces.spans(paused.runId);
    const approval = spans.find((s) => s.kind === 'approval')!;
    expect(approval.attributes['hearth.approval.decision']).toBe('approved');
    expect(approval.end).toBeGreaterThan(approval.start);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  });

  it('rejected: the model is told, nothing runs', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    transfers.length = 0;
    const first = page(
      db,
      [{ calls: [{ name: 'send_money', arguments: { to: 'Eve', amount: 1e6 } }] }],
      [transfer],
    );
    const paused = await first.agents.run({ pipeline: pipeline(['send_money']), input: 'Pay Eve' }).result;
    if (paused.status !== 'paused') throw new Error('expected a pause');
    await first.agents.decide(paused.runId, [
      { interruptionId: paused.interruptions[0]!.id, approve: false, reason: 'not Eve' },
    ]);
    const second = page(db, [{ text: 'I did not send it.' }], [transfer]);
    expect((await second.agents.runs.get(paused.runId)).interruptions).toEqual([]);
    expect(await second.agents.resume(paused.runId).result).toMatchObject({ status: 'completed' });
    expect(transfers).toEqual([]);
    expect(second.model.requests[0]!.messages.at(-1)).toMatchObject({
      role: 'tool',
      content: 'The user did not allow this call to send_money: not Eve',
    });
  });

  it('a page that went away mid-tool: the step shows interrupted; a non-idempotent tool is not run again by itself', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    let runs = 0;
    const launch = defineTool({
      name: 'launch',
      description: 'Launches, once.',
      parameters: z.object({}),
      execute: () => {
        runs++;
        return new Promise(() => undefined); // the page "dies" while this runs
      },
    });
    const first = page(db, [{ calls: [{ name: 'launch' }] }], [launch]);
    const run = first.agents.run({ pipeline: pipeline(['launch']), input: 'launch' });
    for await (const event of run) if (event.type === 'tool_call_started') break;
    expect(runs).toBe(1);

    // Another page, with its own locks (the dead page's lock is gone with it).
    const second = page(db, [{ text: 'Launched.' }], [launch]);
    const view = await second.agents.runs.get(run.runId);
    expect(view).toMatchObject({ interrupted: true, run: { status: 'running' } });
    expect(view.run.step!.calls).toEqual([expect.objectContaining({ tool: 'launch', state: 'running' })]);
    const thread = await second.agents.threads.get(view.run.threadId);
    expect(thread.items.map((r) => r.item.type)).toEqual(['user', 'instructions', 'assistant']);

    const resumed = second.agents.resume(run.runId);
    const events = await drain(resumed);
    const result = await resumed.result;
    expect(runs).toBe(1); // not run again by itself
    expect(result.status).toBe('paused');
    if (result.status !== 'paused') return;
    expect(result.interruptions).toEqual([expect.objectContaining({ kind: 'interrupted', tool: 'launch' })]);
    expect(events.some((e) => e.type === 'approval_requested')).toBe(true);

    // The user says: do not run it again.
    const third = page(db, [{ text: 'Not launched again.' }], [launch]);
    const done = await third.agents.resume(run.runId, {
      decisions: [{ interruptionId: result.interruptions[0]!.id, approve: false }],
    }).result;
    expect(done).toMatchObject({ status: 'completed', output: 'Not launched again.' });
    expect(runs).toBe(1);
    expect(third.model.requests[0]!.messages.at(-1)!.content).toMatch(/interrupted .* not to run it again/);
  });

  it('an idempotent tool interrupted by a crash runs again by itself; a finished call beside it does not', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    let runs = 0;
    let notes = 0;
    const lookup = defineTool({
      name: 'lookup',
      description: 'Reads, safe to repeat.',
      parameters: z.object({}),
      idempotent: true,
      execute: () => (++runs === 1 ? new Promise(() => undefined) : 'found it'),
    });
    const note = defineTool({
      name: 'note',
      description: 'Writes a note (not safe to repeat).',
      parameters: z.object({}),
      execute: () => `note ${++notes}`,
    });
    const script: Script = [{ calls: [{ name: 'note' }, { name: 'lookup' }] }];
    const first = page(db, script, [lookup, note]);
    const run = first.agents.run({ pipeline: pipeline(['lookup', 'note']), input: 'look' });
    let started = 0;
    for await (const event of run) {
      if (event.type === 'tool_call_finished') expect(event.tool).toBe('note');
      if (event.type === 'tool_call_started' && ++started === 2) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // the note's result is written
    const second = page(db, [{ text: 'Found.' }], [lookup, note]);
    const resumed = second.agents.resume(run.runId);
    const events = await drain(resumed);
    expect(await resumed.result).toMatchObject({ status: 'completed', output: 'Found.' });
    expect([runs, notes]).toEqual([2, 1]);
    expect(events.filter((e) => e.type === 'tool_call_started')).toEqual([
      expect.objectContaining({ tool: 'lookup', rerun: true }),
    ]);
    expect(second.model.requests[0]!.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(
      ['note 1', 'found it'],
    );
  });

  it('a step of idempotent calls only is written with its results: a crash repeats the turn, leaving no trace of it', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    let runs = 0;
    const lookup = defineTool({
      name: 'lookup',
      description: 'Reads, safe to repeat.',
      parameters: z.object({}),
      idempotent: true,
      execute: () => (++runs === 1 ? new Promise(() => undefined) : 'found it'),
    });
    const first = page(db, [{ calls: [{ name: 'lookup' }] }], [lookup]);
    const run = first.agents.run({ pipeline: pipeline(['lookup']), input: 'look' });
    for await (const event of run) if (event.type === 'tool_call_started') break;
    const second = page(db, [{ calls: [{ name: 'lookup' }] }, { text: 'Found.' }], [lookup]);
    expect((await second.agents.runs.get(run.runId)).run.step).toBeNull();
    expect(await second.agents.resume(run.runId).result).toMatchObject({
      status: 'completed',
      output: 'Found.',
    });
    expect(runs).toBe(2);
    const thread = await second.agents.threads.get((await second.agents.runs.get(run.runId)).run.threadId);
    expect(thread.items.map((r) => r.item.type)).toEqual([
      'user',
      'instructions',
      'assistant',
      'tool_result',
      'assistant',
    ]);
  });

  it('a run held by another page is refused with AGENT_RUN_LOCKED', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    const locks = memoryLocks(); // one browser: the same lock manager for both pages
    const wait = defineTool({
      name: 'wait',
      description: 'waits',
      parameters: z.object({}),
      execute: (_a, { signal }) =>
        new Promise((_r, reject) => signal.addEventListener('abort', () => reject(new Error('stop')))),
    });
    const first = page(db, [{ calls: [{ name: 'wait' }] }], [wait], locks);
    const controller = new AbortController();
    const run = first.agents.run({ pipeline: pipeline(['wait']), input: 'wait', signal: controller.signal });
    for await (const event of run) if (event.type === 'tool_call_started') break;
    const second = page(db, [], [wait], locks);
    expect((await second.agents.runs.get(run.runId)).live).toBe(true);
    await expect(second.agents.resume(run.runId).result).rejects.toMatchObject({ code: 'AGENT_RUN_LOCKED' });
    controller.abort();
    await expect(run.result).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(second.agents.resume(run.runId).result).rejects.toMatchObject({
      code: 'AGENT_RUN_NOT_RESUMABLE',
    });
  });

  it('a new run on the same thread reads the whole conversation before it', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    const { agents, model } = page(db, [{ text: 'Hello Ann.' }, { text: 'You are Ann.' }], []);
    const first = await agents.run({ pipeline: pipeline([]), input: 'I am Ann.' }).result;
    const second = await agents.run({ pipeline: pipeline([]), input: 'Who am I?', threadId: first.threadId })
      .result;
    expect(second.threadId).toBe(first.threadId);
    const [a, b] = model.requests;
    expect(b!.messages.slice(0, a!.messages.length + 1)).toEqual([
      ...a!.messages,
      { role: 'assistant', content: 'Hello Ann.' },
    ]);
    const thread = await agents.threads.get(first.threadId);
    expect(thread.runs.map((r) => r.id)).toEqual([first.runId, second.runId]);
  });

  it('an approval asked inside an agent called as a tool pauses the whole run, and resumes it', async () => {
    const db = `agents-durable-${process.pid}-${counter++}`;
    transfers.length = 0;
    const team: PipelineInput = {
      version: 1,
      name: 'team',
      entry: 'boss',
      agents: [
        { name: 'boss', agentTools: ['teller'] },
        { name: 'teller', tools: ['send_money'] },
      ],
    };
    const script: Script = (request) => {
      const last = request.messages.at(-1)!;
      const teller = request.messages.some(
        (m) => m.role === 'system' && m.content.includes('You are teller'),
      );
      if (!teller && last.role === 'system')
        return { calls: [{ name: 'ask_teller', arguments: { input: 'Pay Zoe 900' } }] };
      if (teller && last.role === 'system')
        return { calls: [{ name: 'send_money', arguments: { to: 'Zoe', amount: 900 } }] };
      return { text: teller ? 'Paid Zoe.' : 'The teller paid Zoe.' };
    };
    const first = page(db, script, [transfer]);
    const paused = await first.agents.run({ pipeline: team, input: 'Pay Zoe' }).result;
    expect(paused.status).toBe('paused');
    if (paused.status !== 'paused') return;
    const [question] = paused.interruptions;
    expect(question).toMatchObject({ tool: 'send_money', agent: 'teller' });
    expect(question!.runId).not.toBe(paused.runId); // owned by the nested run
    first.agents.dispose();

    const second = page(db, script, [transfer]);
    const done = await second.agents.resume(paused.runId, {
      decisions: [{ interruptionId: question!.id, approve: true }],
    }).result;
    expect(done).toMatchObject({ status: 'completed', output: 'The teller paid Zoe.' });
    expect(transfers).toEqual(['900 to Zoe']);
    const view = await second.agents.runs.get(paused.runId);
    expect(view.children.map((c) => c.status)).toEqual(['completed']);
  });
});
