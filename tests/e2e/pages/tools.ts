import type { ChatCompletionRequest, FunctionTool } from '../../../src/engines/llm/contract.ts';
import { createChat, type ChatHandle } from '../../../src/runtime/chat.ts';

// Tool calls and constrained decoding through the real LLM worker (grammar engine loaded there by
// Vite), with the tiny demo model; the spec calls these through page.evaluate.
const modelId = 'hearth-demo/tiny-llama-chat';
const baseUrl = `${location.origin}/models`;

export const toolsForTest: FunctionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', maxLength: 12 }, unit: { enum: ['celsius', 'fahrenheit'] } },
        required: ['city', 'unit'],
      },
    },
  },
];

let chat: ChatHandle | undefined;

async function open(device: 'wasm' | 'webgpu') {
  chat?.dispose();
  chat = await createChat({ backend: 'ort', model: { baseUrl, modelId }, device, dtype: 'fp32' });
  return chat.capabilities();
}

const errorOf = (error: unknown) => {
  const { code, message } = error as { code?: string; message: string };
  return { code, message };
};

async function run(request: Omit<ChatCompletionRequest, 'messages'>, seeds: number[]) {
  if (!chat) throw new Error('call open() first');
  const results = [];
  for (const seed of seeds) {
    try {
      const completion = await chat.completions.create({
        messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
        temperature: 1,
        max_tokens: 120,
        seed,
        ...request,
        stream: false,
      });
      const { message, finish_reason } = completion.choices[0]!;
      results.push({ content: message.content, tool_calls: message.tool_calls ?? [], finish_reason });
    } catch (error) {
      results.push({ error: errorOf(error) });
    }
  }
  return results;
}

/** Streams one request and folds the tool_calls deltas as an OpenAI client would. */
async function streamCalls(request: Omit<ChatCompletionRequest, 'messages'>) {
  if (!chat) throw new Error('call open() first');
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  let deltas = 0;
  let finish: string | null = null;
  const stream = await chat.completions.create({
    messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
    max_tokens: 120,
    ...request,
    stream: true,
  });
  for await (const chunk of stream) {
    for (const delta of chunk.choices[0]!.delta.tool_calls ?? []) {
      deltas++;
      if (delta.id) calls[delta.index] = { id: delta.id, name: delta.function?.name ?? '', arguments: '' };
      calls[delta.index]!.arguments += delta.function?.arguments ?? '';
    }
    finish = chunk.choices[0]!.finish_reason ?? finish;
  }
  return { calls, deltas, finish };
}

Object.assign(globalThis, {
  harness: { open, run, streamCalls, tools: toolsForTest, close: () => chat?.dispose() },
});
document.title = 'tools harness ready';
