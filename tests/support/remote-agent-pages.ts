/**
 * Remote agents in pipelines, in Node: a real A2A agent built with @a2a-js/sdk on a loopback port
 * (tests/e2e/support/a2a-sdk-agents.ts), the bridge's real client, fake-indexeddb for the run store and
 * the A2A agent store; the model is scripted (the subject is the loop). A "page" is a createAgents over
 * the same databases; a reload is a new one, and a dead page is one whose network stops answering.
 */
import 'fake-indexeddb/auto';
import express from 'express';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  A2AAgentStore,
  createAgents,
  memoryLocks,
  type AgentEvent,
  type AgentsApi,
  type PipelineInput,
  type RunLocks,
  type ThreadItem,
} from '../../src/agent/index.ts';
import { closedPortUrl } from '../e2e/support/a2a-http.ts';
import { startV1Agent, type V1Agent } from '../e2e/support/a2a-sdk-agents.ts';
import { ScriptedModel, type Script } from './scripted-model.ts';

export interface Page {
  agents: AgentsApi;
  model: ScriptedModel;
  store: A2AAgentStore;
}

/**
 * One test file's agent (started before its tests, stopped after), an address where nothing listens, and
 * pages over fresh databases, disposed after each test.
 */
export function useRemoteAgent() {
  const fixture = { agent: undefined as unknown as V1Agent, nowhere: '' };
  beforeAll(async () => {
    fixture.agent = await startV1Agent();
    fixture.nowhere = await closedPortUrl(express());
  });
  afterAll(() => fixture.agent?.close());

  let counter = 0;
  const open: AgentsApi[] = [];
  afterEach(() => {
    while (open.length) open.pop()!.dispose();
  });

  /** A database name no other test uses. */
  const fresh = (prefix: string) => `${prefix}-${process.pid}-${counter++}`;
  /** Disposed after the test. */
  const track = (agents: AgentsApi) => {
    open.push(agents);
    return agents;
  };

  /** A page with its own databases (or those of `like`, as after a reload). */
  function page(
    script: Script,
    like?: { db: string; a2a: string },
    extra: { fetch?: typeof fetch; locks?: RunLocks } = {},
  ): Page & { names: { db: string; a2a: string } } {
    const names = like ?? { db: fresh('agents-remote'), a2a: fresh('a2a-remote') };
    const model = new ScriptedModel(script);
    const store = new A2AAgentStore(names.a2a);
    const agents = createAgents({
      model,
      databaseName: names.db,
      locks: extra.locks ?? memoryLocks(),
      a2a: { store, ...(extra.fetch ? { connect: { fetch: extra.fetch } } : {}) },
    });
    track(agents);
    return { agents, model, store, names };
  }

  const helpdesk = (extra: Record<string, unknown> = {}) => ({
    kind: 'a2a' as const,
    name: 'helpdesk',
    url: fixture.agent.url,
    description: 'Answers questions about orders.',
    ...extra,
  });

  const triage = (
    remote: Record<string, unknown> = {},
    more: Record<string, unknown>[] = [],
  ): PipelineInput =>
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

  const receivedSince = (before: number) => fixture.agent.executor.received.slice(before).map((m) => m.text);

  return { fixture, fresh, track, page, helpdesk, triage, receivedSince };
}

/** triage's one turn: hand the conversation to helpdesk. */
export const handOff = [{ calls: [{ name: 'transfer_to_helpdesk' }] }] satisfies Script;

export async function drain(run: AsyncIterable<AgentEvent>): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

export const itemsOf = async (agents: AgentsApi, threadId: string): Promise<ThreadItem[]> =>
  (await agents.threads.get(threadId)).items.map((r) => r.item);

export /**
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
