import {
  Agent,
  InputGuardrailTripwireTriggered,
  OutputGuardrailTripwireTriggered,
  RunState,
  Runner,
  run,
  setTraceProcessors,
  setTracingDisabled,
  tool,
  withCustomSpan,
  type ModelSettings,
  type Span,
  type TracingProcessor,
} from '@openai/agents-core';
import { z } from 'zod';
import { HearthModel } from '../../../src/interop/openai-agents/index.ts';
import { createChat, type ChatHandle } from '../../../src/runtime/chat.ts';

// OpenAI Agents JS (agents-core) running its Runner in this page on the tiny demo model through
// HearthModel; the spec calls these through page.evaluate. Tool calls and handoffs are forced with
// toolChoice (the engine's constrained decoding makes the call well-formed); the tiny model's free
// text is noise, so only its shape is checked.
const baseUrl = `${location.origin}/models`;
const modelId = 'hearth-demo/tiny-llama-chat';

let chat: ChatHandle | undefined;
let model: HearthModel;

async function open() {
  chat ??= await createChat({ backend: 'ort', model: { baseUrl, modelId }, device: 'wasm', dtype: 'fp32' });
  model = new HearthModel(chat, { name: modelId });
}

/**
 * Short answers and one seeded sample: a call's outcome depends only on its inputs. A forced call
 * (`<tool_call>{"name": …, "arguments": {…}}</tool_call>`) takes about 70 of the tiny model's tokens.
 */
const settings = (extra: ModelSettings = {}): ModelSettings => ({
  temperature: 1,
  maxTokens: extra.toolChoice ? 96 : 12,
  providerData: { seed: 7 },
  ...extra,
});

/** What each tool call received, in order: the tests read it to see which tools really ran. */
const executed: Array<{ tool: string; input: unknown }> = [];

const getWeather = (needsApproval = false) =>
  tool({
    name: 'get_weather',
    description: 'Weather in a city.',
    parameters: z.object({ city: z.string().max(10), unit: z.enum(['c', 'f']) }),
    needsApproval,
    execute: async (input) => {
      executed.push({ tool: 'get_weather', input });
      return `sunny, 21 ${input.unit} in ${input.city}`;
    },
  });

const itemSummary = (items: Array<{ type: string; rawItem?: unknown }>) =>
  items.map((item) => {
    const raw = item.rawItem as { name?: string; arguments?: string; output?: unknown } | undefined;
    return { type: item.type, name: raw?.name, arguments: raw?.arguments, output: raw?.output };
  });

async function toolCall() {
  executed.length = 0;
  const agent = new Agent({
    name: 'weather',
    instructions: 'Answer with the weather.',
    model,
    modelSettings: settings({ toolChoice: 'required' }),
    tools: [getWeather()],
  });
  const result = await run(agent, 'Weather in Oslo?');
  return {
    items: itemSummary(result.newItems),
    executed: [...executed],
    finalOutput: result.finalOutput,
    usage: result.state.usage,
    rawResponses: result.rawResponses.length,
  };
}

async function handoff() {
  const weather = new Agent({
    name: 'weather',
    instructions: 'You report weather.',
    model,
    modelSettings: settings(),
  });
  const triage = new Agent({
    name: 'triage',
    instructions: 'Route the user.',
    model,
    modelSettings: settings({ toolChoice: 'transfer_to_weather' }),
    handoffs: [weather],
  });
  const result = await run(triage, 'Weather in Oslo?');
  return {
    lastAgent: result.lastAgent?.name,
    items: itemSummary(result.newItems),
    finalOutput: result.finalOutput,
    usage: result.state.usage,
  };
}

async function agentAsTool() {
  executed.length = 0;
  const specialist = new Agent({
    name: 'forecaster',
    instructions: 'Give the forecast.',
    model,
    modelSettings: settings({ toolChoice: 'required' }),
    tools: [getWeather()],
  });
  const supervisor = new Agent({
    name: 'supervisor',
    instructions: 'Ask the forecaster.',
    model,
    modelSettings: settings({ toolChoice: 'ask_forecaster' }),
    tools: [
      specialist.asTool({
        toolName: 'ask_forecaster',
        toolDescription: 'Ask the forecaster.',
        // The default `{ input: string }` has no bound, and the tiny model fills all its tokens.
        parameters: z.object({ input: z.string().max(16) }),
      }),
    ],
  });
  const result = await run(supervisor, 'Weather in Oslo?');
  return { items: itemSummary(result.newItems), executed: [...executed], lastAgent: result.lastAgent?.name };
}

async function streaming() {
  executed.length = 0;
  const agent = new Agent({
    name: 'weather',
    instructions: 'Answer with the weather.',
    model,
    modelSettings: settings({ toolChoice: 'required' }),
    tools: [getWeather()],
  });
  const result = await run(agent, 'Weather in Oslo?', { stream: true });
  const events: string[] = [];
  let textDeltas = '';
  let toolArgumentDeltas = 0;
  for await (const event of result) {
    if (event.type === 'raw_model_stream_event') {
      events.push(`raw:${event.data.type}`);
      if (event.data.type === 'output_text_delta') textDeltas += event.data.delta;
      if (event.data.type === 'model') {
        const chunk = event.data.event as { choices: Array<{ delta: { tool_calls?: unknown[] } }> };
        toolArgumentDeltas += chunk.choices[0]?.delta.tool_calls?.length ?? 0;
      }
    } else if (event.type === 'run_item_stream_event') events.push(`item:${event.name}`);
    else events.push(`agent:${event.agent.name}`);
  }
  await result.completed;
  return {
    events,
    textDeltas,
    toolArgumentDeltas,
    finalOutput: result.finalOutput,
    executed: [...executed],
  };
}

async function guardrails() {
  const outcome = async (input: string, tripOutput: boolean) => {
    const agent = new Agent({
      name: 'guarded',
      instructions: 'Answer.',
      model,
      modelSettings: settings(),
      inputGuardrails: [
        {
          name: 'no_secrets',
          execute: async ({ input: given }) => ({
            tripwireTriggered: JSON.stringify(given).includes('password'),
            outputInfo: { checked: true },
          }),
        },
      ],
      outputGuardrails: [
        {
          name: 'length',
          execute: async ({ agentOutput }) => ({
            tripwireTriggered: tripOutput,
            outputInfo: { length: String(agentOutput).length },
          }),
        },
      ],
    });
    try {
      const result = await run(agent, input);
      return {
        passed: true,
        input: result.inputGuardrailResults.map((r) => r.output.tripwireTriggered),
        output: result.outputGuardrailResults.map((r) => r.output.tripwireTriggered),
      };
    } catch (error) {
      if (error instanceof InputGuardrailTripwireTriggered) return { passed: false, tripped: 'input' };
      if (error instanceof OutputGuardrailTripwireTriggered) return { passed: false, tripped: 'output' };
      throw error;
    }
  };
  return {
    clean: await outcome('Weather in Oslo?', false),
    secret: await outcome('my password is hunter2', false),
    badOutput: await outcome('Weather in Oslo?', true),
  };
}

async function structuredOutput() {
  const agent = new Agent({
    name: 'extractor',
    instructions: 'Extract the city.',
    model,
    modelSettings: settings({ maxTokens: 40 }),
    outputType: z.object({ city: z.string().max(10), rainy: z.boolean() }),
  });
  const result = await run(agent, 'Rain in Oslo.');
  return { finalOutput: result.finalOutput };
}

const approvalAgent = () =>
  new Agent({
    name: 'weather',
    instructions: 'Answer with the weather.',
    model,
    modelSettings: settings({ toolChoice: 'required' }),
    tools: [getWeather(true)],
  });

/** Runs until the tool asks for approval, then keeps the serialised state where a reload finds it. */
async function approvalStart() {
  executed.length = 0;
  const result = await run(approvalAgent(), 'Weather in Oslo?');
  const serialized = result.state.toString();
  localStorage.setItem('hearth-spike-run', serialized);
  return {
    interruptions: result.interruptions.map((item) => ({ name: item.name, arguments: item.arguments })),
    executed: [...executed],
    bytes: new TextEncoder().encode(serialized).length,
  };
}

/** After a reload: the state from storage, approved (or rejected), and the run carried on. */
async function approvalResume(decision: 'approve' | 'reject') {
  executed.length = 0;
  const agent = approvalAgent();
  const started = performance.now();
  const state = await RunState.fromString(agent, localStorage.getItem('hearth-spike-run') ?? '');
  const restoreMs = performance.now() - started;
  const [pending] = state.getInterruptions();
  if (!pending) throw new Error('the restored state holds no interruption');
  if (decision === 'approve') state.approve(pending);
  else state.reject(pending);
  const result = await run(agent, state);
  localStorage.removeItem('hearth-spike-run');
  return {
    pending: { name: pending.name, arguments: pending.arguments },
    items: itemSummary(result.newItems),
    executed: [...executed],
    finalOutput: result.finalOutput,
    restoreMs,
  };
}

/** Cancels a streamed run as its first text arrives; the engine must then serve the next call. */
async function abortMidStream() {
  const agent = new Agent({
    name: 'talker',
    instructions: 'Talk.',
    model,
    modelSettings: settings({ maxTokens: 200 }),
  });
  const controller = new AbortController();
  const result = await run(agent, 'Tell me a long story.', { stream: true, signal: controller.signal });
  let deltas = 0;
  for await (const event of result) {
    if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
      deltas++;
      controller.abort();
    }
  }
  await result.completed.catch(() => undefined);
  const after = await run(new Agent({ name: 'next', model, modelSettings: settings() }), 'Hello');
  return { deltas, cancelled: result.cancelled, nextAnswered: typeof after.finalOutput === 'string' };
}

interface SpanRecord {
  traceId: string;
  spanId: string;
  parentId: string | null;
  type: string;
  /** The run that made the span: every agent, model and custom span is named after its run. */
  run?: string;
}

/**
 * Two supervisor runs at once, each with its own trace id, every finished span collected. Each
 * supervisor asks its specialist (an agent as a tool, a nested run), whose tool opens a custom span
 * the way application code instruments itself. In Node, AsyncLocalStorage keeps each run's current
 * trace and span apart; the browser stand-in is one stack that both runs push to and pop from.
 */
async function concurrentTraces() {
  const spans: SpanRecord[] = [];
  const processor: TracingProcessor = {
    onTraceStart: async () => undefined,
    onTraceEnd: async () => undefined,
    onSpanStart: async () => undefined,
    onSpanEnd: async (span: Span<never>) => {
      const data = span.spanData as { type: string; name?: string; model?: string };
      const label = data.type === 'generation' ? data.model : data.name;
      spans.push({
        traceId: span.traceId,
        spanId: span.spanId,
        parentId: span.parentId,
        type: data.type,
        run: label?.match(/^(alpha|beta)\b/)?.[1],
      });
    },
    shutdown: async () => undefined,
    forceFlush: async () => undefined,
  };
  setTraceProcessors([processor]);
  setTracingDisabled(false);
  try {
    const supervisorFor = (name: string) => {
      const model = new HearthModel(chat!, { name });
      const lookup = tool({
        name: 'lookup',
        description: 'Look up the weather.',
        parameters: z.object({ city: z.string().max(10) }),
        execute: ({ city }) =>
          withCustomSpan(async () => `sunny in ${city}`, { data: { name: `${name} lookup` } }),
      });
      const specialist = new Agent({
        name: `${name} specialist`,
        instructions: 'Look it up.',
        model,
        modelSettings: settings({ toolChoice: 'required' }),
        tools: [lookup],
      });
      return new Agent({
        name: `${name} supervisor`,
        instructions: 'Ask the specialist.',
        model,
        modelSettings: settings({ toolChoice: 'ask_specialist' }),
        tools: [
          specialist.asTool({
            toolName: 'ask_specialist',
            parameters: z.object({ input: z.string().max(16) }),
          }),
        ],
      });
    };
    const ids = { alpha: `trace_${'a'.repeat(32)}`, beta: `trace_${'b'.repeat(32)}` };
    await Promise.all(
      (['alpha', 'beta'] as const).map((name) =>
        new Runner({ traceId: ids[name], workflowName: name }).run(supervisorFor(name), 'Weather in Oslo?'),
      ),
    );
    return { ids, spans };
  } finally {
    setTracingDisabled(true);
    setTraceProcessors([]);
  }
}

export const harnessApi = {
  open,
  toolCall,
  handoff,
  agentAsTool,
  streaming,
  guardrails,
  structuredOutput,
  approvalStart,
  approvalResume,
  abortMidStream,
  concurrentTraces,
  close: () => chat?.dispose(),
};
export type OpenAiAgentsHarness = typeof harnessApi;

Object.assign(globalThis, { harness: harnessApi });
document.title = 'openai-agents harness ready';
