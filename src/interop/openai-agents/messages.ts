import type { AgentInputItem, ModelRequest, protocol } from '@openai/agents-core';
import type { ChatMessage, ToolCall } from '../../engines/llm/contract.ts';
import { textOnlyError } from '../text-only.ts';

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

/**
 * agents-core's run items as chat-completions messages. An assistant's text and the tool calls that
 * follow it become one assistant message, as the engine wrote them in that turn: the chat template
 * then renders the history exactly as it was generated, and the engine's prefix cache stays valid.
 */
export function messagesFromItems(
  request: Pick<ModelRequest, 'input' | 'systemInstructions'>,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (request.systemInstructions) messages.push({ role: 'system', content: request.systemInstructions });
  if (typeof request.input === 'string') {
    messages.push({ role: 'user', content: request.input });
    return messages;
  }
  let assistant: AssistantMessage | undefined;
  const flush = () => {
    if (assistant) messages.push(assistant);
    assistant = undefined;
  };
  for (const item of request.input) {
    if (isMessage(item)) {
      flush();
      if (item.role === 'assistant') assistant = { role: 'assistant', content: assistantText(item.content) };
      else if (item.role === 'user') messages.push({ role: 'user', content: userText(item.content) });
      else messages.push({ role: 'system', content: item.content });
    } else if (item.type === 'function_call') {
      assistant ??= { role: 'assistant', content: null };
      const call: ToolCall = {
        id: item.callId,
        type: 'function',
        function: { name: item.name, arguments: item.arguments || '{}' },
      };
      assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
    } else if (item.type === 'function_call_result') {
      flush();
      messages.push({ role: 'tool', tool_call_id: item.callId, content: toolOutputText(item.output) });
    } else if (item.type === 'reasoning' || item.type === 'unknown') {
      // A local model has no hidden reasoning to replay, and an unknown item carries nothing it reads.
      continue;
    } else {
      throw textOnlyError(`a '${item.type}' item`);
    }
  }
  flush();
  return messages;
}

function isMessage(item: AgentInputItem): item is protocol.MessageItem {
  return item.type === 'message' || (item.type === undefined && 'role' in item);
}

function assistantText(content: protocol.AssistantMessageItem['content']): string {
  return content
    .map((part) => {
      if (part.type === 'output_text') return part.text;
      if (part.type === 'refusal') return part.refusal;
      throw textOnlyError(`assistant '${part.type}' content`);
    })
    .join('');
}

function userText(content: protocol.UserMessageItem['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type === 'input_text') return part.text;
      throw textOnlyError(`user '${part.type}' content`);
    })
    .join('');
}

function toolOutputText(output: protocol.FunctionCallResultItem['output']): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output)) {
    return output
      .map((part) => {
        if (part.type === 'input_text') return part.text;
        throw textOnlyError(`a tool result holding '${part.type}'`);
      })
      .join('');
  }
  if (output.type === 'text') return output.text;
  throw textOnlyError(`a tool result holding '${output.type}'`);
}
