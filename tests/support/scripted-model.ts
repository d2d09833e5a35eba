import { abortError } from '../../src/core/errors.ts';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  FinishReason,
  Usage,
} from '../../src/engines/llm/contract.ts';
import type { AgentModel } from '../../src/agent/index.ts';

/** What the scripted model answers on one turn: text, and/or tool calls (arguments as JSON or raw text). */
export interface ScriptedReply {
  text?: string;
  calls?: Array<{ name: string; arguments?: unknown; raw?: string; id?: string }>;
  /** Waits before the first chunk (the run's signal cuts it short). */
  delayMs?: number;
  promptTokens?: number;
}

export type Script = ScriptedReply[] | ((request: ChatCompletionRequest, turn: number) => ScriptedReply);

/**
 * A model that answers from a script, standing in for the LLM where the subject is the agent loop.
 * It streams like an engine (text in pieces, tool calls as deltas, usage on the last chunk) and
 * records every request it was sent.
 */
export class ScriptedModel implements AgentModel {
  readonly requests: ChatCompletionRequest[] = [];
  private turn = 0;

  constructor(private readonly script: Script) {}

  async create(
    request: ChatCompletionRequest & { stream: true },
  ): Promise<AsyncIterable<ChatCompletionChunk>> {
    const turn = this.turn++;
    this.requests.push(request);
    const reply =
      typeof this.script === 'function'
        ? this.script(request, turn)
        : (this.script[turn] ?? { text: `(script ended at turn ${turn})` });
    return stream(reply, request, turn);
  }
}

async function* stream(
  reply: ScriptedReply,
  request: ChatCompletionRequest,
  turn: number,
): AsyncGenerator<ChatCompletionChunk> {
  const base = {
    id: `chatcmpl-${turn}`,
    object: 'chat.completion.chunk' as const,
    created: 0,
    model: 'scripted',
  };
  if (reply.delayMs) {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, reply.delayMs);
      request.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(abortError(request.signal?.reason));
      });
    });
  }
  const text = reply.text ?? '';
  let completion = 0;
  for (const piece of text.match(/.{1,8}/gs) ?? []) {
    completion++;
    yield { ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] };
  }
  for (const [index, call] of (reply.calls ?? []).entries()) {
    completion++;
    const args = call.raw ?? JSON.stringify(call.arguments ?? {});
    yield {
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index,
                id: call.id ?? `call_${turn}_${index}`,
                type: 'function',
                function: { name: call.name, arguments: '' },
              },
            ],
          },
          finish_reason: null,
        },
      ],
    };
    yield {
      ...base,
      choices: [
        { index: 0, delta: { tool_calls: [{ index, function: { arguments: args } }] }, finish_reason: null },
      ],
    };
  }
  const promptTokens = reply.promptTokens ?? JSON.stringify(request.messages).length;
  const usage: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    cached_prompt_tokens: 0,
    timings: { ttft_ms: 1, prefill_tok_s: 1000, decode_tok_s: 100, total_ms: 2 },
  };
  const finish: FinishReason = reply.calls?.length ? 'tool_calls' : 'stop';
  yield { ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }], usage };
}
