import { abortError } from '../../core/errors.ts';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatMessage,
  FinishReason,
  FunctionTool,
  ToolCall,
  ToolChoice,
  Usage,
} from '../../engines/llm/contract.ts';
import type { AgentSpec } from '../pipeline/schema.ts';

/** What the loop needs of a chat engine: OpenAI-shaped streaming completions (`ChatEngine.create`). */
export interface AgentModel {
  create(request: ChatCompletionRequest & { stream: true }): Promise<AsyncIterable<ChatCompletionChunk>>;
}

export interface ModelTurn {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  model: string;
}

export interface TurnRequest {
  agent: AgentSpec;
  messages: ChatMessage[];
  tools: FunctionTool[];
  toolChoice: ToolChoice;
  signal: AbortSignal;
  onDelta(delta: string): void;
}

const zeroUsage: Usage = {
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  cached_prompt_tokens: 0,
  timings: { ttft_ms: 0, prefill_tok_s: 0, decode_tok_s: 0, total_ms: 0 },
};

/** The chat request of one agent turn: its settings, adapter, the tools its prompt lists. */
export function turnRequest(turn: TurnRequest): ChatCompletionRequest & { stream: true } {
  const settings = turn.agent.model ?? {};
  const request: ChatCompletionRequest & { stream: true } = {
    messages: turn.messages,
    stream: true,
    signal: turn.signal,
  };
  if (turn.tools.length) {
    request.tools = turn.tools;
    request.tool_choice = turn.toolChoice;
    request.parallel_tool_calls = settings.parallelToolCalls ?? true;
  }
  if (turn.agent.adapter) request.adapter = turn.agent.adapter;
  for (const key of ['temperature', 'top_p', 'top_k', 'max_tokens', 'seed', 'repetition_penalty'] as const) {
    if (settings[key] !== undefined) request[key] = settings[key];
  }
  if (settings.output) {
    request.response_format = {
      type: 'json_schema',
      json_schema: { name: settings.output.name, schema: settings.output.schema },
    };
  }
  return request;
}

/** Streams one model call, folding text and tool-call deltas as an OpenAI client does. */
export async function runModelTurn(model: AgentModel, turn: TurnRequest): Promise<ModelTurn> {
  const stream = await model.create(turnRequest(turn));
  let text = '';
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  let finishReason: FinishReason = 'stop';
  let usage: Usage = zeroUsage;
  let modelId = '';
  for await (const chunk of stream) {
    modelId ||= chunk.model;
    const choice = chunk.choices[0];
    const delta = choice?.delta;
    if (delta?.content) {
      text += delta.content;
      turn.onDelta(delta.content);
    }
    for (const part of delta?.tool_calls ?? []) {
      const call = (calls[part.index] ??= { id: '', name: '', arguments: '' });
      if (part.id) call.id = part.id;
      if (part.function?.name) call.name += part.function.name;
      if (part.function?.arguments) call.arguments += part.function.arguments;
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
    if (chunk.usage) usage = chunk.usage;
  }
  if (finishReason === 'abort' || turn.signal.aborted) throw abortError(turn.signal.reason);
  const toolCalls: ToolCall[] = calls
    .filter((call) => call !== undefined)
    .map((call, i) => ({
      id: call.id || `call_${i}`,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  return { text, toolCalls, finishReason, usage, model: modelId };
}
