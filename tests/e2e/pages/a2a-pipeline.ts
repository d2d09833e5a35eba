import {
  A2AAgentStore,
  a2aAgentTool,
  connectA2AAgent,
  createAgents,
  type AgentEvent,
  type AgentRun,
  type AgentsApi,
  type PipelineInput,
  type RunResult,
} from '../../../src/agent/index.ts';
import { createHearth, type Hearth } from '../../../src/index.ts';
import { ScriptedModel } from '../../support/scripted-model.ts';

// Remote A2A agents in pipelines, from a cross-origin isolated page (real IndexedDB, Web Locks, fetch) against
// the SDK agent that tests/e2e/a2a-pipeline.spec.ts starts on a loopback port. The local model is scripted,
// except in `demoModel`, which runs the demo model in its worker through hearth.agents.

const databaseName = 'hearth-agents-a2a-e2e';
const a2aStore = new A2AAgentStore('hearth-a2a-pipeline-e2e');

const pipeline = (url: string, extra: Record<string, unknown> = {}): PipelineInput => ({
  version: 1,
  name: 'support',
  entry: 'triage',
  agents: [
    { name: 'triage', instructions: 'Route the question.', handoffs: ['helpdesk'] },
    { kind: 'a2a', name: 'helpdesk', url, ...extra },
  ],
});

let agents: AgentsApi | undefined;
function page(): AgentsApi {
  agents?.dispose();
  agents = createAgents({
    model: new ScriptedModel([{ calls: [{ name: 'transfer_to_helpdesk' }] }]),
    databaseName,
    a2a: { store: a2aStore },
  });
  return agents;
}

const errorOf = (error: unknown) => {
  const { code, message } = error as { code?: string; message: string };
  return { code, message };
};

/** Runs left going while the spec does something else (reloads the page, releases the agent's task). */
const runs = new Map<string, { events: AgentEvent[]; outcome?: { result?: RunResult; error?: unknown } }>();
function follow(run: AgentRun): string {
  const entry: { events: AgentEvent[]; outcome?: { result?: RunResult; error?: unknown } } = { events: [] };
  runs.set(run.runId, entry);
  void (async () => {
    for await (const event of run) entry.events.push(event);
  })();
  run.result.then(
    (result) => (entry.outcome = { result }),
    (error: unknown) => (entry.outcome = { error: errorOf(error) }),
  );
  return run.runId;
}

const harness = {
  async reset() {
    agents?.dispose();
    agents = undefined;
    for (const record of await a2aStore.list()) await a2aStore.remove(record.id);
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(databaseName);
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
  },
  addAgent: async (url: string) => (await a2aStore.add(url)).id,
  /** Starts a run whose triage hands off to the remote agent; `abortOn`: stops it at the update with that text. */
  start(url: string, input: string, abortOn?: string) {
    const run = page().run({ pipeline: pipeline(url), input });
    const id = follow(run);
    if (abortOn) {
      void (async () => {
        for await (const event of run)
          if (event.type === 'remote_update' && event.text === abortOn) run.abort('stop pressed');
      })();
    }
    return id;
  },
  resume: (runId: string) => follow(page().resume(runId)),
  state(runId: string) {
    const entry = runs.get(runId);
    return entry && { events: entry.events, outcome: entry.outcome };
  },
  view: async (runId: string) => page().runs.get(runId),
  locksHeld: async () => (await navigator.locks.query()).held?.map((l) => l.name) ?? [],
  otlp: async (runId: string) => page().traces.exportOtlp(runId),

  /**
   * The demo model in its worker, through hearth.agents: a forced call to the A2A agent as a tool, then a
   * forced handoff to it as a pipeline's remote agent.
   */
  async demoModel(url: string) {
    const remote = await connectA2AAgent(url);
    // The demo model reads 512 tokens: a short description, a bounded message, no ids to fill in.
    const tool = a2aAgentTool(remote, {
      maxMessageChars: 16,
      continuation: false,
      description: 'Echoes a message.',
    });
    const hearth: Hearth = createHearth({
      chat: {
        backend: 'ort',
        model: { baseUrl: `${location.origin}/models`, modelId: 'hearth-demo/tiny-llama-chat' },
        device: 'wasm',
        dtype: 'fp32',
      },
      agents: {
        databaseName: `${databaseName}-demo`,
        builtins: false,
        tools: [tool],
        a2a: { store: false, agents: [remote] },
      },
    });
    const greedy = { temperature: 0, max_tokens: 64, toolChoice: 'required' as const };
    const finish = async (run: AgentRun) => {
      const events: AgentEvent[] = [];
      for await (const event of run) events.push(event);
      return { result: await run.result, events, otlp: await hearth.agents.traces.exportOtlp(run.runId) };
    };
    try {
      const asTool = await finish(
        hearth.agents.run({
          pipeline: {
            version: 1,
            name: 'remote-tool',
            preamble: 'Be brief.',
            entry: 'caller',
            agents: [{ name: 'caller', tools: [tool.name], model: greedy }],
            limits: { maxTurns: 2 },
          },
          input: 'Ask the echo agent.',
        }),
      );
      const handoff = await finish(
        hearth.agents.run({
          pipeline: {
            version: 1,
            name: 'remote-handoff',
            preamble: 'Be brief.',
            entry: 'triage',
            agents: [
              { name: 'triage', handoffs: ['helpdesk'], model: greedy },
              { kind: 'a2a', name: 'helpdesk', url },
            ],
          },
          input: 'Where is my order?',
        }),
      );
      return { toolName: tool.name, asTool, handoff };
    } catch (error) {
      return { error: errorOf(error) };
    } finally {
      hearth.dispose();
    }
  },
};

Object.assign(globalThis, { harness });
