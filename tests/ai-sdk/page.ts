import { generateText, isStepCount, jsonSchema, Output, streamText, tool } from 'ai';
import { HearthLanguageModel } from '../../src/interop/ai-sdk/index.ts';
import { createChat, type ChatHandle } from '../../src/runtime/chat.ts';

// The AI SDK (`ai` 7, from this folder's own install) driving the tiny demo model through
// HearthLanguageModel in this page; tests/e2e/ai-sdk.spec.ts calls these through page.evaluate.
// Tool calls are forced with toolChoice and structured output is asked for with Output.object: the
// engine makes both well-formed by constrained decoding. The tiny model's free text is noise, so
// only its shape is checked.
const baseUrl = `${location.origin}/models`;
const modelId = 'hearth-demo/tiny-llama-chat';

let chat: ChatHandle | undefined;
let model: HearthLanguageModel;

async function open() {
  chat ??= await createChat({ backend: 'ort', model: { baseUrl, modelId }, device: 'wasm', dtype: 'fp32' });
  model = new HearthLanguageModel(chat, { modelId });
}

/** What each tool call received, in order: the tests read it to see which tools really ran. */
const executed: unknown[] = [];

// A JSON schema given as it is (no zod), so the page needs nothing but `ai`.
const weather = tool({
  description: 'Weather in a city.',
  inputSchema: jsonSchema<{ city: string; unit: 'c' | 'f' }>({
    type: 'object',
    properties: { city: { type: 'string', maxLength: 10 }, unit: { enum: ['c', 'f'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  }),
  execute: async (input) => {
    executed.push(input);
    return { forecast: `sunny in ${input.city}`, degrees: 21, unit: input.unit };
  },
});

/** A call forced in the first step, then free text in the second, which reads the tool's result. */
const toolSteps = {
  tools: { weather },
  toolChoice: { type: 'tool', toolName: 'weather' },
  stopWhen: isStepCount(2),
  prepareStep: ({ stepNumber }: { stepNumber: number }) =>
    stepNumber > 0 ? { toolChoice: 'none' as const } : undefined,
  // A forced call (`<tool_call>{"name": …, "arguments": {…}}</tool_call>`) takes about 40 tokens.
  maxOutputTokens: 96,
  temperature: 1,
  seed: 7,
} as const;

async function generateWithTools() {
  executed.length = 0;
  const result = await generateText({ model, prompt: 'Weather in Oslo?', ...toolSteps });
  return {
    steps: result.steps.map((step) => ({
      finishReason: step.finishReason,
      toolCalls: step.toolCalls.map((call) => ({ toolName: call.toolName, input: call.input })),
      toolResults: step.toolResults.map((r) => ({ toolName: r.toolName, output: r.output })),
      text: step.text,
      usage: step.usage,
    })),
    executed: [...executed],
    text: result.text,
    totalUsage: result.totalUsage,
    providerMetadata: result.providerMetadata,
    warnings: result.warnings,
  };
}

async function streamWithTools() {
  executed.length = 0;
  const result = streamText({ model, prompt: 'Weather in Oslo?', ...toolSteps });
  const parts: string[] = [];
  let inputDeltas = '';
  let textDeltas = '';
  for await (const part of result.fullStream) {
    parts.push(part.type);
    if (part.type === 'tool-input-delta') inputDeltas += part.delta;
    if (part.type === 'text-delta') textDeltas += part.text;
  }
  const steps = await result.steps;
  return {
    parts,
    inputDeltas,
    textDeltas,
    text: await result.text,
    toolCalls: steps.flatMap((step) =>
      step.toolCalls.map((call) => ({ toolName: call.toolName, input: call.input })),
    ),
    executed: [...executed],
    usage: await result.totalUsage,
  };
}

const cityReport = Output.object({
  schema: jsonSchema<{ city: string; rainy: boolean; days: number }>({
    type: 'object',
    properties: {
      city: { type: 'string', maxLength: 10 },
      rainy: { type: 'boolean' },
      days: { type: 'integer', minimum: 1, maximum: 7 },
    },
    required: ['city', 'rainy', 'days'],
    additionalProperties: false,
  }),
});

async function generateObject() {
  const result = await generateText({
    model,
    prompt: 'Rain in Oslo for three days.',
    output: cityReport,
    maxOutputTokens: 48,
    temperature: 1,
    seed: 3,
  });
  return { output: result.output, text: result.text, finishReason: result.finishReason };
}

async function streamObject() {
  const result = streamText({
    model,
    prompt: 'Rain in Oslo for three days.',
    output: cityReport,
    maxOutputTokens: 48,
    temperature: 1,
    seed: 3,
  });
  const partials: unknown[] = [];
  for await (const partial of result.partialOutputStream) partials.push(partial);
  return { partials: partials.length, output: await result.output };
}

/** Stops a stream at its first text and a generation before it starts; the engine must then serve the next call. */
async function abortCalls() {
  const controller = new AbortController();
  let aborted = false;
  const stream = streamText({
    model,
    prompt: 'Tell me a long story.',
    maxOutputTokens: 200,
    abortSignal: controller.signal,
    onAbort: () => {
      aborted = true;
    },
  });
  const parts: string[] = [];
  let textDeltas = 0;
  for await (const part of stream.fullStream) {
    parts.push(part.type);
    if (part.type === 'text-delta' && ++textDeltas === 1) controller.abort();
  }

  const early = new AbortController();
  early.abort();
  const rejected = await generateText({
    model,
    prompt: 'Hello',
    maxOutputTokens: 8,
    abortSignal: early.signal,
  }).then(
    () => 'resolved',
    (error: Error) => error.name,
  );

  const after = await generateText({ model, prompt: 'Hello', maxOutputTokens: 8, temperature: 1, seed: 1 });
  return {
    parts,
    textDeltas,
    aborted,
    rejected,
    nextAnswer: { finishReason: after.finishReason, outputTokens: after.usage.outputTokens },
  };
}

export const harnessApi = {
  open,
  generateWithTools,
  streamWithTools,
  generateObject,
  streamObject,
  abortCalls,
  close: () => chat?.dispose(),
};
export type AiSdkHarness = typeof harnessApi;

Object.assign(globalThis, { harness: harnessApi });
document.title = 'ai-sdk harness ready';
