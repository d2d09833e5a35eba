import {
  Agent,
  RunState,
  Runner,
  run,
  setTraceProcessors,
  setTracingDisabled,
  tool,
  withCustomSpan,
  withGenerationSpan,
  type Model,
  type ModelRequest,
  type Span,
  type TracingProcessor,
} from '@openai/agents-core';
import { z } from 'zod';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionsCreate,
} from '../../src/engines/llm/contract.ts';
import { HearthModel } from '../../src/interop/openai-agents/index.ts';

// agents-core's own costs in Chromium, measured with HearthModel over a chat source that answers
// at once from a script (so the model's time is not in them); bench/interop/run.ts drives this page.

const usage = {
  prompt_tokens: 100,
  completion_tokens: 10,
  total_tokens: 110,
  cached_prompt_tokens: 90,
  timings: { ttft_ms: 1, prefill_tok_s: 1, decode_tok_s: 1, total_ms: 1 },
};

/**
 * A chat source that calls the tool on every turn until the last, then answers; `delayMs` per call
 * (a timer, so concurrent runs interleave as they would around a real engine).
 */
function scriptedChat(calls: number, delayMs: (turn: number) => number) {
  let turn = 0;
  const create = (async (request: ChatCompletionRequest) => {
    const completion = await complete(request);
    return request.stream ? asChunks(completion) : completion;
  }) as ChatCompletionsCreate;
  const complete = async (request: ChatCompletionRequest): Promise<ChatCompletion> => {
    const current = turn++;
    const wait = delayMs(current);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const call = current < calls;
    const toolName = (request.tools?.[0]?.function.name ?? 'lookup') as string;
    return {
      id: `chatcmpl-${current}`,
      object: 'chat.completion',
      created: 0,
      model: 'scripted',
      choices: [
        {
          index: 0,
          message: call
            ? {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: `call_${current}`,
                    type: 'function',
                    function: { name: toolName, arguments: '{"city":"Oslo"}' },
                  },
                ],
              }
            : { role: 'assistant', content: 'Sunny.' },
          finish_reason: call ? 'tool_calls' : 'stop',
        },
      ],
      usage,
    };
  };
  return { completions: { create } };
}

/** A completion as the two chunks a stream of it would hold: the message, then the finish and usage. */
async function* asChunks(completion: ChatCompletion): AsyncGenerator<ChatCompletionChunk> {
  const { message, finish_reason } = completion.choices[0]!;
  const base = {
    id: completion.id,
    object: 'chat.completion.chunk' as const,
    created: 0,
    model: completion.model,
  };
  const tool_calls = message.tool_calls?.map((call, index) => ({ index, ...call }));
  yield {
    ...base,
    choices: [
      {
        index: 0,
        delta: { role: 'assistant', content: message.content ?? undefined, tool_calls },
        finish_reason: null,
      },
    ],
  };
  yield { ...base, choices: [{ index: 0, delta: {}, finish_reason }], usage: completion.usage };
}

const lookup = (needsApproval = false) =>
  tool({
    name: 'lookup',
    description: 'Look up the weather.',
    parameters: z.object({ city: z.string() }),
    needsApproval,
    execute: async ({ city }) => `sunny in ${city}`,
  });

/**
 * One run of `turns` tool turns and a final answer: the runner's time per turn (model and tool
 * answer at once), and the RunState it leaves, serialised and read back.
 */
async function turnCost(turns: number) {
  // The time inside the model call (HearthModel's mapping and the script's answer), kept apart so
  // the runner's own share can be told from the adapter's.
  const hearthModel = new HearthModel(scriptedChat(turns, () => 0));
  let modelMs = 0;
  const model: Model = {
    getResponse: async (request) => {
      const start = performance.now();
      const response = await hearthModel.getResponse(request);
      modelMs += performance.now() - start;
      return response;
    },
    getStreamedResponse: (request) => hearthModel.getStreamedResponse(request),
  };
  const agent = new Agent({ name: 'looper', instructions: 'Look it up.', model, tools: [lookup()] });
  const started = performance.now();
  const result = await run(agent, 'Weather in Oslo?', { maxTurns: turns + 1 });
  const runMs = performance.now() - started;
  const serializeStart = performance.now();
  const serialized = result.state.toString();
  const serializeMs = performance.now() - serializeStart;
  const restoreStart = performance.now();
  await RunState.fromString(agent, serialized);
  const restoreMs = performance.now() - restoreStart;
  return {
    turnMs: runMs / (turns + 1),
    modelMs: modelMs / (turns + 1),
    stateBytes: new TextEncoder().encode(serialized).length,
    serializeMs,
    restoreMs,
    items: result.newItems.length,
  };
}

/**
 * The same run streamed, its RunState serialised after every tool result, as a durable run that keeps
 * its state after each turn would: the time per turn with that write's serialisation included.
 */
async function durableTurnCost(turns: number) {
  const agent = new Agent({
    name: 'looper',
    instructions: 'Look it up.',
    model: new HearthModel(scriptedChat(turns, () => 0)),
    tools: [lookup()],
  });
  const started = performance.now();
  const result = await run(agent, 'Weather in Oslo?', { maxTurns: turns + 1, stream: true });
  let saved = 0;
  let bytes = 0;
  for await (const event of result) {
    if (event.type === 'run_item_stream_event' && event.name === 'tool_output') {
      bytes = result.state.toString().length;
      saved++;
    }
  }
  await result.completed;
  return { turnMs: (performance.now() - started) / (turns + 1), saved, lastStateChars: bytes };
}

/** A run paused on its first tool call for approval: the state an app would keep across a reload. */
async function pausedState() {
  const agent = new Agent({
    name: 'asker',
    instructions: 'Look it up.',
    model: new HearthModel(scriptedChat(1, () => 0)),
    tools: [lookup(true)],
  });
  const result = await run(agent, 'Weather in Oslo?');
  const serialized = result.state.toString();
  return {
    interruptions: result.interruptions.length,
    stateBytes: new TextEncoder().encode(serialized).length,
  };
}

interface SpanRecord {
  type: string;
  traceId: string;
  run?: string;
}

/**
 * A model that opens its generation span the way agents-core's public span API offers
 * (`withGenerationSpan`, under the current span) instead of under the parent the runner names, as
 * model adapters written against that API do.
 */
function currentSpanModel(inner: HearthModel, name: string): Model {
  const withoutParent = (request: ModelRequest): ModelRequest =>
    ({ ...request, tracing: false, _internal: undefined }) as ModelRequest;
  return {
    getResponse: (request) =>
      withGenerationSpan(async (span) => {
        span.spanData.model = name;
        return inner.getResponse(withoutParent(request));
      }),
    getStreamedResponse: (request) => inner.getStreamedResponse(request),
  };
}

/**
 * `pairs` times: two runs at once (each a supervisor asking its specialist, an agent as a tool,
 * whose tool opens a custom span), each with its own trace id. Counts the spans that ended up in
 * the other run's trace, by kind. `modelSpans`: HearthModel's spans (under the runner's turn), or
 * spans opened under the current span (`currentSpanModel`).
 */
async function concurrentTraces(pairs: number, modelSpans: 'turn-parent' | 'current-span' = 'turn-parent') {
  const spans: SpanRecord[] = [];
  const processor: TracingProcessor = {
    onTraceStart: async () => undefined,
    onTraceEnd: async () => undefined,
    onSpanStart: async () => undefined,
    onSpanEnd: async (span: Span<never>) => {
      const data = span.spanData as { type: string; name?: string; model?: string };
      const label = data.type === 'generation' ? data.model : data.name;
      spans.push({ type: data.type, traceId: span.traceId, run: label?.match(/^run\d+/)?.[0] });
    },
    shutdown: async () => undefined,
    forceFlush: async () => undefined,
  };
  setTraceProcessors([processor]);
  setTracingDisabled(false);
  const ids = new Map<string, string>();
  try {
    for (let pair = 0; pair < pairs; pair++) {
      const runs = [0, 1].map((side) => {
        const name = `run${pair * 2 + side}`;
        const traceId = `trace_${(pair * 2 + side).toString(16).padStart(32, '0')}`;
        ids.set(name, traceId);
        // Different delays per side and turn, so the two runs interleave at different points.
        const chat = scriptedChat(1, (turn) => (turn + side + pair) % 3);
        const modelOf = (hearthModel: HearthModel) =>
          modelSpans === 'turn-parent' ? hearthModel : currentSpanModel(hearthModel, name);
        const model = modelOf(new HearthModel(chat, { name }));
        const specialist = new Agent({
          name: `${name} specialist`,
          instructions: 'Look it up.',
          model,
          tools: [
            tool({
              name: 'lookup',
              description: 'Look up the weather.',
              parameters: z.object({ city: z.string() }),
              execute: ({ city }) =>
                withCustomSpan(async () => `sunny in ${city}`, { data: { name: `${name} lookup` } }),
            }),
          ],
        });
        const supervisor = new Agent({
          name: `${name} supervisor`,
          instructions: 'Ask the specialist.',
          model: modelOf(
            new HearthModel(
              scriptedChat(1, (turn) => (turn + side) % 2),
              { name },
            ),
          ),
          tools: [specialist.asTool({ toolName: 'lookup', parameters: z.object({ city: z.string() }) })],
        });
        return new Runner({ traceId, workflowName: name }).run(supervisor, 'Weather in Oslo?');
      });
      await Promise.all(runs);
    }
  } finally {
    setTracingDisabled(true);
    setTraceProcessors([]);
  }
  const byType = (type: string) => spans.filter((span) => span.type === type && span.run);
  const wrong = (list: SpanRecord[]) => list.filter((span) => span.traceId !== ids.get(span.run!)).length;
  return {
    custom: byType('custom').length,
    customInOtherTrace: wrong(byType('custom')),
    generation: byType('generation').length,
    generationInOtherTrace: wrong(byType('generation')),
    agent: byType('agent').length,
    agentInOtherTrace: wrong(byType('agent')),
  };
}

export const runnerBench = { turnCost, durableTurnCost, pausedState, concurrentTraces };
export type RunnerBench = typeof runnerBench;
Object.assign(globalThis, { harness: runnerBench });
