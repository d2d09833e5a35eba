import type {
  LanguageModelV4FilePart,
  LanguageModelV4Prompt,
  LanguageModelV4ToolResultOutput,
} from '@ai-sdk/provider';
import type { ChatMessage, ToolCall } from '../../engines/llm/contract.ts';
import { textOnlyError } from '../text-only.ts';

/**
 * The AI SDK's prompt as chat-completions messages. Text and tool calls pass as they are; an inline
 * text file (`{ type: 'text' }` data with a `text/*` type) is read as text; reasoning the model
 * never wrote is dropped; images, audio and other files are refused, since the model reads text only.
 */
export function messagesFromPrompt(prompt: LanguageModelV4Prompt): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user':
        messages.push({
          role: 'user',
          content: message.content
            .map((part) => (part.type === 'text' ? part.text : fileText(part)))
            .join(''),
        });
        break;
      case 'assistant': {
        let text = '';
        const calls: ToolCall[] = [];
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'tool-call') {
            calls.push({
              id: part.toolCallId,
              type: 'function',
              function: { name: part.toolName, arguments: JSON.stringify(part.input ?? {}) },
            });
          } else if (part.type === 'file') text += fileText(part);
          else if (part.type === 'custom') throw textOnlyError(`custom '${part.kind}' content`);
          // reasoning, reasoning files and results of tools run by a provider: nothing Hearth wrote.
        }
        messages.push({
          role: 'assistant',
          content: text || (calls.length > 0 ? null : ''),
          ...(calls.length > 0 && { tool_calls: calls }),
        });
        break;
      }
      case 'tool':
        for (const part of message.content) {
          // Approval responses concern tools a provider runs on its side; Hearth runs none.
          if (part.type !== 'tool-result') continue;
          messages.push({
            role: 'tool',
            tool_call_id: part.toolCallId,
            content: toolOutputText(part.output),
          });
        }
        break;
    }
  }
  return messages;
}

function toolOutputText(output: LanguageModelV4ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ? `Tool execution denied: ${output.reason}` : 'Tool execution denied.';
    case 'content':
      return output.value
        .map((part) => {
          if (part.type === 'text') return part.text;
          if (part.type === 'file') return fileText(part);
          throw textOnlyError('a custom tool result part');
        })
        .join('');
  }
}

function fileText(part: Pick<LanguageModelV4FilePart, 'data' | 'mediaType'>): string {
  if (part.data.type === 'text' && (part.mediaType === 'text' || part.mediaType.startsWith('text/'))) {
    return part.data.text;
  }
  throw textOnlyError(`a '${part.mediaType}' file`);
}
