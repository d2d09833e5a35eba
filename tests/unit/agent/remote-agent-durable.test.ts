// A remote turn across a reload, a dead page and an approval (tests/support/remote-agent-pages.ts).
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/agent/index.ts';
import { handOff, pageNetwork, useRemoteAgent } from '../../support/remote-agent-pages.ts';

const { fixture, page, triage, receivedSince } = useRemoteAgent();

describe('durable remote turns', () => {
  it('a reload while the remote task runs follows that task by its id and never sends the message twice', async () => {
    const network = pageNetwork();
    const first = page(handOff, undefined, { fetch: network.fetch });
    await first.store.add(fixture.agent.url);
    const before = fixture.agent.executor.received.length;
    const run = first.agents.run({ pipeline: triage(), input: 'hold' });
    let taskId: string | undefined;
    for await (const event of run) {
      if (event.type === 'remote_update' && event.text === 'working: thinking') {
        taskId = (event.update as { taskId: string }).taskId;
        break;
      }
    }
    expect(fixture.agent.executor.holding).toBe(1);
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
    fixture.agent.executor.release();
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
    await first.store.add(fixture.agent.url);
    const before = fixture.agent.executor.received.length;
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
    await store.add(fixture.agent.url);
    const before = fixture.agent.executor.received.length;
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
