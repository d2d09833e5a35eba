import { abortError } from '../../../src/core/errors.ts';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionsCreate,
  ToolCallDelta,
  Usage,
} from '../../../src/engines/llm/contract.ts';

/**
 * A chat source that answers from a script instead of a model: the unit under test is the mapping
 * between another library's shapes and chat completions, and a script shows every request it got.
 */
export interface ScriptedTurn {
  content?: string[];
  toolCalls?: ToolCallDelta[][];
  finish?: 'stop' | 'length' | 'tool_calls';
  usage?: Partial<Usage>;
  /** Waits on the request's signal before the chunk at this index, then rejects as the engine does. */
  stallAt?: number;
}

export function usage(partial: Partial<Usage> = {}): Usage {
  return {
    prompt_tokens: 10,
    completion_tokens: 4,
    total_tokens: 14,
    cached_prompt_tokens: 6,
    timings: { ttft_ms: 5, prefill_tok_s: 100, decode_tok_s: 50, total_ms: 20 },
    ...partial,
  };
}

export function scriptedChat(turns: ScriptedTurn[]) {
  const requests: ChatCompletionRequest[] = [];
  const next = () => {
    const turn = turns.shift();
    if (!turn) throw new Error('the script has no more turns');
    return turn;
  };
  async function* chunks(
    turn: ScriptedTurn,
    request: ChatCompletionRequest,
  ): AsyncGenerator<ChatCompletionChunk> {
    const base = {
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk' as const,
      created: 1_700_000_000,
      model: 'tiny',
    };
    const deltas: ChatCompletionChunk['choices'][0]['delta'][] = [
      { role: 'assistant' },
      ...(turn.content ?? []).map((content) => ({ content })),
      ...(turn.toolCalls ?? []).map((tool_calls) => ({ tool_calls })),
    ];
    for (const [index, delta] of deltas.entries()) {
      if (turn.stallAt === index) {
        await new Promise((resolve) => request.signal?.addEventListener('abort', resolve, { once: true }));
        throw abortError(request.signal?.reason);
      }
      yield { ...base, choices: [{ index: 0, delta, finish_reason: null }] };
    }
    yield {
      ...base,
      choices: [{ index: 0, delta: {}, finish_reason: turn.finish ?? 'stop' }],
      usage: usage(turn.usage),
    };
  }
  const create = (async (request: ChatCompletionRequest) => {
    requests.push(request);
    const turn = next();
    if (request.stream) return chunks(turn, request);
    if (turn.stallAt !== undefined) {
      await new Promise((resolve) => request.signal?.addEventListener('abort', resolve, { once: true }));
      throw abortError(request.signal?.reason);
    }
    const calls = (turn.toolCalls ?? []).flat().map((delta) => ({
      id: delta.id!,
      type: 'function' as const,
      function: { name: delta.function!.name!, arguments: delta.function!.arguments ?? '' },
    }));
    const completion: ChatCompletion = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'tiny',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: turn.content ? turn.content.join('') : null,
            ...(calls.length > 0 && { tool_calls: calls }),
          },
          finish_reason: turn.finish ?? 'stop',
        },
      ],
      usage: usage(turn.usage),
    };
    return completion;
  }) as ChatCompletionsCreate;
  return { chat: { completions: { create } }, requests };
}
