import type {
  ChatCompletion,
  ChatCompletionChunk,
  FinishReason,
  ToolCall,
  ToolCallDelta,
  Usage,
} from '../contract.ts';
import type { GenerationEvent, GenerationStats } from './decode-loop.ts';

export function usageOf(stats: GenerationStats): Usage {
  const decodeTokens = Math.max(0, stats.completionTokens - 1);
  const decodeMs = Math.max(0, stats.totalMs - stats.ttftMs);
  return {
    prompt_tokens: stats.promptTokens,
    completion_tokens: stats.completionTokens,
    total_tokens: stats.promptTokens + stats.completionTokens,
    cached_prompt_tokens: stats.promptTokens - stats.prefilledTokens,
    dropped_messages: stats.droppedMessages,
    timings: {
      ttft_ms: stats.ttftMs,
      prefill_tok_s: stats.prefillMs > 0 ? (stats.prefilledTokens * 1000) / stats.prefillMs : 0,
      decode_tok_s: decodeMs > 0 ? (decodeTokens * 1000) / decodeMs : 0,
      total_ms: stats.totalMs,
    },
  };
}

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function newIdentity(model: string): CompletionIdentity {
  return { id: `chatcmpl-${crypto.randomUUID()}`, created: Math.floor(Date.now() / 1000), model };
}

/** OpenAI stream shape: a first chunk with the role, one chunk per delta, a last one with finish_reason and usage. */
export async function* toChunks(
  events: AsyncIterable<GenerationEvent>,
  identity: CompletionIdentity,
): AsyncGenerator<ChatCompletionChunk> {
  const chunk = (
    delta: ChatCompletionChunk['choices'][0]['delta'],
    finishReason: FinishReason | null = null,
    usage?: Usage,
  ): ChatCompletionChunk => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  });
  yield chunk({ role: 'assistant', content: '' });
  for await (const event of events) {
    if (event.type === 'content') yield chunk({ content: event.text });
    else if (event.type === 'tool_call') yield chunk({ tool_calls: [event.delta] });
    else yield chunk({}, event.finishReason, usageOf(event.stats));
  }
}

/** Folds a stream into one completion, merging tool-call deltas by index as OpenAI clients do. */
export async function collectCompletion(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletion> {
  let content = '';
  const calls: ToolCall[] = [];
  let finishReason: FinishReason = 'stop';
  let usage: Usage | undefined;
  let identity: CompletionIdentity | undefined;
  for await (const chunk of chunks) {
    identity ??= { id: chunk.id, created: chunk.created, model: chunk.model };
    const choice = chunk.choices[0]!;
    if (choice.delta.content) content += choice.delta.content;
    for (const delta of choice.delta.tool_calls ?? []) mergeToolCall(calls, delta);
    if (choice.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  if (!identity || !usage) throw new Error('The generation ended without its final chunk.');
  return {
    id: identity.id,
    object: 'chat.completion',
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: calls.length > 0 && content === '' ? null : content,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        finish_reason: finishReason,
      },
    ],
    usage,
  };
}

function mergeToolCall(calls: ToolCall[], delta: ToolCallDelta): void {
  const call = (calls[delta.index] ??= {
    id: '',
    type: 'function',
    function: { name: '', arguments: '' },
  });
  if (delta.id) call.id = delta.id;
  if (delta.function?.name) call.function.name += delta.function.name;
  if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
}
