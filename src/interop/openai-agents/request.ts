import type { ModelRequest, SerializedOutputType } from '@openai/agents-core';
import { HearthError } from '../../core/errors.ts';
import type {
  ChatCompletionRequest,
  FunctionTool,
  ResponseFormat,
  ToolChoice,
} from '../../engines/llm/contract.ts';
import { functionTool } from '../function-tool.ts';
import { parseHearthFields, type HearthFields } from '../hearth-fields.ts';
import { messagesFromItems } from './messages.ts';

/** One agents-core model call as a Hearth chat-completions request. */
export function requestFromModelRequest(
  request: ModelRequest,
  defaults: HearthFields,
): ChatCompletionRequest {
  const settings = request.modelSettings;
  const tools = [...request.tools.map(toFunctionTool), ...request.handoffs.map(handoffTool)];
  const responseFormat = toResponseFormat(request.outputType);
  const chat: ChatCompletionRequest = {
    messages: messagesFromItems(request),
    ...defaults,
    ...parseHearthFields(settings.providerData, 'modelSettings.providerData'),
    ...(settings.temperature !== undefined && { temperature: settings.temperature }),
    ...(settings.topP !== undefined && { top_p: settings.topP }),
    ...(settings.frequencyPenalty !== undefined && { frequency_penalty: settings.frequencyPenalty }),
    ...(settings.presencePenalty !== undefined && { presence_penalty: settings.presencePenalty }),
    ...(settings.maxTokens !== undefined && { max_tokens: settings.maxTokens }),
    ...(responseFormat && { response_format: responseFormat }),
    ...(request.signal && { signal: request.signal }),
  };
  if (tools.length > 0) {
    chat.tools = tools;
    // agents-core's default is one call per turn (parallelToolCalls unset = false); OpenAI's is several.
    chat.parallel_tool_calls = settings.parallelToolCalls ?? false;
  }
  const toolChoice = toToolChoice(settings.toolChoice, tools);
  if (toolChoice) chat.tool_choice = toolChoice;
  return chat;
}

function toFunctionTool(tool: ModelRequest['tools'][number]): FunctionTool {
  if (tool.type !== 'function') {
    throw new HearthError(
      'UNSUPPORTED',
      `The tool '${tool.name}' is a '${tool.type}' tool, which runs on OpenAI's servers; a Hearth model calls function tools only.`,
    );
  }
  return functionTool({
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    strict: tool.strict,
  });
}

function handoffTool(handoff: ModelRequest['handoffs'][number]): FunctionTool {
  return functionTool({
    name: handoff.toolName,
    description: handoff.toolDescription,
    parameters: handoff.inputJsonSchema,
    strict: handoff.strictJsonSchema,
  });
}

function toToolChoice(
  choice: ModelRequest['modelSettings']['toolChoice'],
  tools: FunctionTool[],
): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  // Without tools 'auto' and 'none' say nothing; a choice that cannot be met goes on to the engine,
  // which refuses it with INVALID_INPUT before generating anything.
  if (choice === 'auto' || choice === 'none') {
    return tools.length === 0 ? undefined : choice === 'auto' ? 'auto' : 'none';
  }
  if (choice === 'required') return 'required';
  return { type: 'function', function: { name: choice } };
}

function toResponseFormat(outputType: SerializedOutputType): ResponseFormat | undefined {
  if (outputType === 'text') return undefined;
  return {
    type: 'json_schema',
    json_schema: {
      name: outputType.name,
      schema: outputType.schema as Record<string, unknown>,
      strict: outputType.strict,
    },
  };
}
