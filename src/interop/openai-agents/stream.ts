import type { StreamEvent } from '@openai/agents-core';
import type { ChatCompletionChunk, ToolCall, Usage } from '../../engines/llm/contract.ts';
import { toOutputItems, toAgentsUsage } from './output.ts';

/**
 * A Hearth chunk stream as agents-core's model events: `response_started`, every chunk as a raw
 * `model` event (where tool-call argument deltas are, since agents-core has no event of its own for
 * them), `output_text_delta` per piece of text, and `response_done` with the finished items.
 */
export async function* toStreamEvents(
  chunks: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<StreamEvent> {
  let id = '';
  let text = '';
  let usage: Usage | undefined;
  const calls: ToolCall[] = [];
  yield { type: 'response_started' };
  for await (const chunk of chunks) {
    id ||= chunk.id;
    usage = chunk.usage ?? usage;
    yield { type: 'model', event: chunk };
    const delta = chunk.choices[0]?.delta;
    if (!delta) continue;
    if (delta.content) {
      text += delta.content;
      yield { type: 'output_text_delta', delta: delta.content, itemId: id };
    }
    for (const part of delta.tool_calls ?? []) {
      const call = (calls[part.index] ??= {
        id: '',
        type: 'function',
        function: { name: '', arguments: '' },
      });
      if (part.id) call.id = part.id;
      call.function.name += part.function?.name ?? '';
      call.function.arguments += part.function?.arguments ?? '';
    }
  }
  const final = toAgentsUsage(usage);
  yield {
    type: 'response_done',
    response: {
      id,
      usage: {
        requests: 1,
        inputTokens: final.inputTokens,
        outputTokens: final.outputTokens,
        totalTokens: final.totalTokens,
        inputTokensDetails: final.inputTokensDetails,
        outputTokensDetails: final.outputTokensDetails,
      },
      output: toOutputItems(id, text, calls.filter(Boolean)),
    },
  };
}
