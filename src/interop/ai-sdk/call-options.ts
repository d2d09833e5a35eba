import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FunctionTool,
  LanguageModelV4ProviderTool,
  SharedV4Warning,
} from '@ai-sdk/provider';
import type {
  ChatCompletionRequest,
  FunctionTool,
  ResponseFormat,
  ToolChoice,
} from '../../engines/llm/contract.ts';
import { functionTool } from '../function-tool.ts';
import { parseHearthFields, type HearthFields } from '../hearth-fields.ts';
import { messagesFromPrompt } from './prompt.ts';

/** One AI SDK call as a Hearth request, with a warning for each setting Hearth cannot honour. */
export function requestFromCallOptions(
  options: LanguageModelV4CallOptions,
  settings: HearthFields,
): { request: ChatCompletionRequest; warnings: SharedV4Warning[] } {
  const warnings: SharedV4Warning[] = [];
  const tools: FunctionTool[] = [];
  for (const tool of options.tools ?? []) {
    const converted = toFunctionTool(tool);
    if (converted) tools.push(converted);
    else warnings.push({ type: 'unsupported', feature: `provider tool '${tool.name}'` });
  }
  if (options.reasoning && options.reasoning !== 'provider-default' && options.reasoning !== 'none') {
    warnings.push({ type: 'unsupported', feature: 'reasoning' });
  }
  const fields = {
    ...settings,
    ...parseHearthFields(options.providerOptions?.hearth, 'providerOptions.hearth'),
  };
  const responseFormat = toResponseFormat(options.responseFormat);
  const request: ChatCompletionRequest = {
    messages: messagesFromPrompt(options.prompt),
    ...fields,
    ...(options.maxOutputTokens !== undefined && { max_tokens: options.maxOutputTokens }),
    ...(options.temperature !== undefined && { temperature: options.temperature }),
    ...(options.topP !== undefined && { top_p: options.topP }),
    ...(options.topK !== undefined && { top_k: options.topK }),
    ...(options.presencePenalty !== undefined && { presence_penalty: options.presencePenalty }),
    ...(options.frequencyPenalty !== undefined && { frequency_penalty: options.frequencyPenalty }),
    ...(options.stopSequences?.length && { stop: options.stopSequences }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(responseFormat && { response_format: responseFormat }),
  };
  if (tools.length > 0) {
    request.tools = tools;
    const toolChoice = toToolChoice(options.toolChoice);
    if (toolChoice) request.tool_choice = toolChoice;
  }
  return { request, warnings };
}

function toFunctionTool(
  tool: LanguageModelV4FunctionTool | LanguageModelV4ProviderTool,
): FunctionTool | undefined {
  if (tool.type !== 'function') return undefined;
  return functionTool({
    name: tool.name,
    description: tool.description,
    parameters: tool.inputSchema,
    strict: tool.strict,
  });
}

function toToolChoice(choice: LanguageModelV4CallOptions['toolChoice']): ToolChoice | undefined {
  if (!choice) return undefined;
  if (choice.type === 'tool') return { type: 'function', function: { name: choice.toolName } };
  return choice.type;
}

/** JSON with a schema is enforced by constrained decoding; JSON without one by a JSON grammar. */
function toResponseFormat(format: LanguageModelV4CallOptions['responseFormat']): ResponseFormat | undefined {
  if (format?.type !== 'json') return undefined;
  if (!format.schema) return { type: 'json_object' };
  return {
    type: 'json_schema',
    json_schema: { name: format.name ?? 'response', schema: format.schema as Record<string, unknown> },
  };
}
