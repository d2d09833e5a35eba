import {
  Agent,
  RunState,
  Runner,
  run,
  setTraceProcessors,
  setTracingDisabled,
  tool,
  withCustomSpan,
  type Span,
  type TracingProcessor,
} from '@openai/agents-core';
import { z } from 'zod';
import type {
  ChatCompletion,
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
  const create = (async (request: ChatCompletionRequest): Promise<ChatCompletion> => {
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
  }) as ChatCompletionsCreate;
  return { completions: { create } };
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
  const agent = new Agent({
    name: 'looper',
    instructions: 'Look it up.',
    model: new HearthModel(scriptedChat(turns, () => 0)),
    tools: [lookup()],
  });
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
    stateBytes: new TextEncoder().encode(serialized).length,
    serializeMs,
    restoreMs,
    items: result.newItems.length,
  };
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
 * `pairs` times: two runs at once (each a supervisor asking its specialist, an agent as a tool,
 * whose tool opens a custom span), each with its own trace id. Counts the spans that ended up in
 * the other run's trace, by kind.
 */
async function concurrentTraces(pairs: number) {
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
        const model = new HearthModel(chat, { name });
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
          model: new HearthModel(
            scriptedChat(1, (turn) => (turn + side) % 2),
            { name },
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

export const runnerBench = { turnCost, pausedState, concurrentTraces };
export type RunnerBench = typeof runnerBench;
Object.assign(globalThis, { harness: runnerBench });
