import { Template } from '@huggingface/jinja';
import { HearthError } from '../../../core/errors.ts';
import type { ChatMessage, FunctionTool } from '../contract.ts';
import type { TokenizerConfig } from './tokenizer.ts';

export interface RenderOptions {
  tools?: FunctionTool[];
  addGenerationPrompt?: boolean;
}

/**
 * The model's own chat template (tokenizer_config.json `chat_template`), rendered with the
 * Hugging Face Jinja engine, so prompts match what the model was trained on.
 */
export class ChatTemplate {
  private readonly templates: Map<string, Template>;

  constructor(
    config: TokenizerConfig,
    private readonly specials: { bos_token?: string; eos_token?: string } = {},
  ) {
    const source = config.chat_template;
    if (!source) {
      throw new HearthError(
        'MODEL_FILE_MALFORMED',
        'tokenizer_config.json has no chat_template: this model cannot be used for chat.',
      );
    }
    const entries = typeof source === 'string' ? [{ name: 'default', template: source }] : source;
    this.templates = new Map();
    try {
      for (const { name, template } of entries) this.templates.set(name, new Template(template));
    } catch (error) {
      throw new HearthError(
        'MODEL_FILE_MALFORMED',
        `The chat template in tokenizer_config.json does not parse (${(error as Error).message}).`,
        { cause: error },
      );
    }
  }

  render(messages: ChatMessage[], options: RenderOptions = {}): string {
    const tools = options.tools && options.tools.length > 0 ? options.tools : undefined;
    const template =
      (tools && this.templates.get('tool_use')) ??
      this.templates.get('default') ??
      this.templates.values().next().value!;
    try {
      return template.render({
        messages: messages.map(templateMessage),
        tools,
        add_generation_prompt: options.addGenerationPrompt ?? true,
        bos_token: this.specials.bos_token ?? '',
        eos_token: this.specials.eos_token ?? '',
      });
    } catch (error) {
      throw new HearthError(
        'INVALID_INPUT',
        `The model's chat template rejected these messages: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}

/**
 * OpenAI sends tool-call arguments as a JSON string; Hugging Face templates expect an object
 * (they print it with `tojson`). Content null becomes ''.
 */
function templateMessage(message: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { ...message, content: message.content ?? '' };
  if (message.role === 'assistant' && message.tool_calls) {
    out.tool_calls = message.tool_calls.map((call) => ({
      ...call,
      function: { name: call.function.name, arguments: parseArguments(call.function.arguments) },
    }));
  }
  return out;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
