import type * as webllm from '@mlc-ai/web-llm';
import { HearthError } from '../../../core/errors.ts';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  FinishReason,
  ToolCallDelta,
  Usage,
} from '../contract.ts';

/**
 * Our request -> web-llm's. web-llm speaks OpenAI too, so most fields pass through; the
 * differences: no top_k and no LoRA adapters (refused, not ignored), usage in streams only with
 * stream_options.include_usage, JSON schemas as a string, and no AbortSignal (the engine
 * interrupts instead).
 */
export function toWebLlmRequest(request: ChatCompletionRequest): webllm.ChatCompletionRequest {
  if (request.adapter) {
    throw new HearthError(
      'UNSUPPORTED',
      'LoRA adapters need the ONNX backend; web-llm models cannot load them.',
    );
  }
  if (request.top_k !== undefined && request.top_k !== 0) {
    throw new HearthError(
      'UNSUPPORTED',
      'web-llm does not take top_k per request; use top_p, or the ONNX backend.',
    );
  }
  const out: Record<string, unknown> = {
    messages: request.messages,
    stream: request.stream === true,
  };
  if (request.stream) out.stream_options = { include_usage: true };
  const passThrough = [
    'max_tokens',
    'temperature',
    'top_p',
    'frequency_penalty',
    'presence_penalty',
    'repetition_penalty',
    'seed',
    'stop',
    'logit_bias',
    'tools',
    'tool_choice',
  ] as const;
  for (const key of passThrough) if (request[key] !== undefined) out[key] = request[key];
  const format = request.response_format;
  if (format?.type === 'json_object') out.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    out.response_format = { type: 'json_object', schema: JSON.stringify(format.json_schema.schema) };
  }
  return out as unknown as webllm.ChatCompletionRequest;
}

export function fromWebLlmUsage(usage: webllm.CompletionUsage | undefined): Usage {
  const extra = usage?.extra;
  const ttftMs = (extra?.time_to_first_token_s ?? 0) * 1000;
  return {
    prompt_tokens: usage?.prompt_tokens ?? 0,
    completion_tokens: usage?.completion_tokens ?? 0,
    total_tokens: usage?.total_tokens ?? 0,
    // web-llm reuses its KV cache across turns internally but does not report how much.
    cached_prompt_tokens: 0,
    timings: {
      ttft_ms: ttftMs,
      prefill_tok_s: extra?.prefill_tokens_per_s ?? 0,
      decode_tok_s: extra?.decode_tokens_per_s ?? 0,
      total_ms: (extra?.e2e_latency_s ?? 0) * 1000,
    },
  };
}

function finishReasonOf(reason: string | null | undefined, aborted: boolean): FinishReason {
  if (aborted) return 'abort';
  if (reason === 'length' || reason === 'tool_calls' || reason === 'abort') return reason;
  return 'stop';
}

export function fromWebLlmCompletion(completion: webllm.ChatCompletion, aborted = false): ChatCompletion {
  const choice = completion.choices[0];
  return {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: choice?.message.content ?? null,
          ...(choice?.message.tool_calls?.length
            ? {
                tool_calls: choice.message.tool_calls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.function.name, arguments: call.function.arguments },
                })),
              }
            : {}),
        },
        finish_reason: finishReasonOf(choice?.finish_reason, aborted),
      },
    ],
    usage: fromWebLlmUsage(completion.usage),
  };
}

/**
 * web-llm's stream -> ours. web-llm sends finish_reason in one chunk and usage in a last chunk
 * with no choices; our stream ends with one chunk carrying both, as the ORT backend does.
 */
export async function* fromWebLlmStream(
  stream: AsyncIterable<webllm.ChatCompletionChunk>,
  aborted: () => boolean,
): AsyncGenerator<ChatCompletionChunk> {
  let finish: string | null = null;
  let usage: webllm.CompletionUsage | undefined;
  let last: { id: string; created: number; model: string } | undefined;
  let sentRole = false;
  for await (const chunk of stream) {
    last = { id: chunk.id, created: chunk.created, model: chunk.model };
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.finish_reason) finish = choice.finish_reason;
    const delta: ChatCompletionChunk['choices'][0]['delta'] = {};
    if (!sentRole) {
      delta.role = 'assistant';
      sentRole = true;
    }
    if (choice.delta.content) delta.content = choice.delta.content;
    if (choice.delta.tool_calls?.length) {
      delta.tool_calls = choice.delta.tool_calls.map((call, i): ToolCallDelta => ({
        index: call.index ?? i,
        ...(call.id ? { id: call.id } : {}),
        type: 'function',
        function: {
          ...(call.function?.name ? { name: call.function.name } : {}),
          ...(call.function?.arguments ? { arguments: call.function.arguments } : {}),
        },
      }));
    }
    if (Object.keys(delta).length > 0)
      yield { ...last, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] };
  }
  if (!last) throw new HearthError('GENERATION_FAILED', 'web-llm ended the stream without any chunk.');
  yield {
    ...last,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: {}, finish_reason: finishReasonOf(finish, aborted()) }],
    usage: fromWebLlmUsage(usage),
  };
}
