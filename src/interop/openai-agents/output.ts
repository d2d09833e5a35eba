import { Usage, type protocol } from '@openai/agents-core';
import type { ToolCall, Usage as HearthUsage } from '../../engines/llm/contract.ts';

/** A finished turn (text and tool calls) as agents-core's output items. */
export function toOutputItems(
  id: string,
  text: string | null,
  toolCalls: ToolCall[],
): protocol.OutputModelItem[] {
  const items: protocol.OutputModelItem[] = [];
  // A turn that only calls tools has no message; one that produced nothing still answers, with ''.
  if (text || toolCalls.length === 0) {
    items.push({
      id,
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: text ?? '' }],
    });
  }
  for (const call of toolCalls) {
    items.push({
      id,
      type: 'function_call',
      callId: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  }
  return items;
}

/** Hearth's usage in agents-core's terms; prefix-cache hits are OpenAI's `cached_tokens`. */
export function toAgentsUsage(usage: HearthUsage | undefined): Usage {
  if (!usage) return new Usage({ requests: 1 });
  return new Usage({
    requests: 1,
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    totalTokens: usage.total_tokens,
    inputTokensDetails: { cached_tokens: usage.cached_prompt_tokens },
    outputTokensDetails: { reasoning_tokens: 0 },
  });
}
