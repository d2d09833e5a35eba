import { z } from 'zod';
import {
  createAgents,
  createHearth,
  defineTool,
  type AgentEvent,
  type AgentsApi,
  type Decision,
  type Hearth,
  type PipelineInput,
  type RunResult,
} from '../../../src/index.ts';
import { ScriptedModel, type ScriptedReply } from '../../support/scripted-model.ts';

// Agents in Chromium: real IndexedDB, real Web Locks, a tab that crashes. The model is scripted
// (the subject is the loop) except in `demoModel`, which runs the demo model in its worker.
// Every page of the test opens the same database, as tabs of one site do.
const databaseName = 'hearth-agents-e2e';

/** What this page's tools did (each page starts from zero: a reload or a new tab forgets it). */
const calls: string[] = [];
const events: AgentEvent[] = [];

const sendMoney = defineTool({
  name: 'send_money',
  description: 'Sends money.',
  parameters: z.object({ to: z.string(), amount: z.number() }),
  needsApproval: ({ amount }) => amount > 100,
  execute: ({ to, amount }) => {
    calls.push(`send_money ${amount} to ${to}`);
    return { sent: amount, to };
  },
});

/** Hangs until the page dies (or its signal aborts); marks that it started. */
const launch = defineTool({
  name: 'launch',
  description: 'Launches, once.',
  parameters: z.object({ target: z.string() }),
  execute: ({ target }, { signal }) => {
    calls.push(`launch ${target}`);
    (globalThis as { launched?: boolean }).launched = true;
    if (sessionStorage.getItem('launch-finishes') === 'yes') return { launched: target };
    return new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(new Error('stopped'))),
    );
  },
});

const weather = defineTool({
  name: 'weather',
  description: 'Weather in a city.',
  parameters: z.object({ city: z.enum(['paris', 'rome', 'oslo']) }),
  execute: ({ city }) => ({ city, sky: city === 'oslo' ? 'snow' : 'sun' }),
});

const pipeline: PipelineInput = {
  version: 1,
  name: 'ops',
  entry: 'operator',
  agents: [{ name: 'operator', tools: ['send_money', 'launch'] }],
};

let agents: AgentsApi | undefined;
function page(script: ScriptedReply[]) {
  agents?.dispose();
  agents = createAgents({ model: new ScriptedModel(script), databaseName, tools: [sendMoney, launch] });
  return agents;
}

async function finish(run: ReturnType<AgentsApi['run']>) {
  for await (const event of run) events.push(event);
  return run.result;
}

const errorOf = (error: unknown) => {
  const { code, message } = error as { code?: string; message: string };
  return { error: { code, message } };
};

const harness = {
  calls,
  events,
  /** Starts a run whose first turn makes the given calls; returns once it ends, pauses, or (hang) its tool starts. */
  async start(script: ScriptedReply[], input: string, wait: 'end' | 'tool-started' = 'end') {
    const run = page(script).run({ pipeline, input });
    if (wait === 'tool-started') {
      void finish(run).catch(() => undefined);
      for await (const event of run) if (event.type === 'tool_call_started') break;
      return { runId: run.runId };
    }
    const result = await finish(run);
    return { runId: run.runId, result };
  },
  async view(runId: string) {
    const view = await page([]).runs.get(runId);
    const thread = await agents!.threads.get(view.run.threadId);
    return { ...view, items: thread.items.map((r) => r.item) };
  },
  async resume(
    runId: string,
    script: ScriptedReply[],
    decisions: Decision[] = [],
  ): Promise<RunResult | ReturnType<typeof errorOf>> {
    try {
      return await finish(page(script).resume(runId, { decisions }));
    } catch (error) {
      return errorOf(error);
    }
  },
  async spans(runId: string) {
    return (await page([]).traces.spans(runId)).map((s) => ({
      name: s.name,
      kind: s.kind,
      end: s.end,
      attributes: s.attributes,
    }));
  },
  async otlp(runId: string) {
    return page([]).traces.exportOtlp(runId);
  },
  async locksHeld() {
    return (await navigator.locks.query()).held?.map((l) => l.name) ?? [];
  },

  /** The demo model in its worker, through hearth.agents: a forced call, then an answer. */
  async demoModel() {
    const hearth: Hearth = createHearth({
      chat: {
        backend: 'ort',
        model: { baseUrl: `${location.origin}/models`, modelId: 'hearth-demo/tiny-llama-chat' },
        device: 'wasm',
        dtype: 'fp32',
      },
      // The demo model's context is 512 tokens: one short tool whose arguments the grammar bounds.
      agents: { databaseName: `${databaseName}-demo`, builtins: false, tools: [weather] },
    });
    try {
      const run = hearth.agents.run({
        pipeline: {
          version: 1,
          name: 'demo',
          preamble: 'Be brief.',
          entry: 'forecaster',
          agents: [
            {
              name: 'forecaster',
              tools: ['weather'],
              model: { temperature: 0, max_tokens: 64, toolChoice: 'required' },
            },
          ],
          limits: { maxTurns: 3 },
        },
        input: 'Weather in Oslo?',
      });
      const seen: AgentEvent[] = [];
      for await (const event of run) seen.push(event);
      const result = await run.result;
      const usage = seen.flatMap((e) => (e.type === 'turn_finished' ? [e.usage] : []));
      return {
        result,
        tool: seen.find((e) => e.type === 'tool_call_finished'),
        usage,
      };
    } catch (error) {
      return errorOf(error);
    } finally {
      hearth.dispose();
    }
  },
};

Object.assign(globalThis, { harness });
