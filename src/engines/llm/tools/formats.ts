import { HearthError } from '../../../core/errors.ts';
import type { OutputParser } from '../generation-hooks.ts';
import { HermesToolCallParser } from './hermes-parser.ts';
import { Llama3ToolCallParser, PYTHON_TAG } from './llama3-parser.ts';
import { MistralToolCallParser, TOOL_CALLS } from './mistral-parser.ts';
import type { ToolCallIdFactory } from './tool-call-deltas.ts';

/**
 * How a model writes tool calls, which decides both the parser and the grammar used for them.
 * `mistral` is `[TOOL_CALLS][{"name": ..., "arguments": ...}]`; `mistral-args` the newer
 * `[TOOL_CALLS]name[ARGS]{...}` (Mistral tokenizer v11+). One parser reads both.
 */
export type ToolCallFormat = 'hermes' | 'llama3-json' | 'mistral' | 'mistral-args';

export interface ToolFormatInfo {
  format: ToolCallFormat;
  /** Marker strings (often special tokens) the decoder must keep in the text for the parser to see. */
  markers: string[];
}

const markersOf: Record<ToolCallFormat, string[]> = {
  hermes: ['<tool_call>', '</tool_call>'],
  'llama3-json': [PYTHON_TAG],
  mistral: [TOOL_CALLS],
  'mistral-args': [TOOL_CALLS, '[ARGS]'],
};

type TemplateSource = string | Array<{ name: string; template: string }> | undefined | null;

/**
 * Reads the tool-call format from a model's chat template (tokenizer_config.json `chat_template`;
 * a `tool_use` entry wins when there are several), the same text the model was trained with.
 * Returns undefined when the template does not render `tools` at all: such a model was not trained
 * to call tools, and Hearth says so rather than guessing.
 */
export function detectToolCallFormat(chatTemplate: TemplateSource): ToolFormatInfo | undefined {
  const text = templateText(chatTemplate);
  if (!text || !/\btools\b/.test(text)) return undefined;
  let format: ToolCallFormat | undefined;
  if (text.includes('<tool_call>')) format = 'hermes';
  else if (text.includes(TOOL_CALLS)) format = text.includes('[ARGS]') ? 'mistral-args' : 'mistral';
  else if (text.includes(PYTHON_TAG) || /"parameters"|'parameters'|\bipython\b/.test(text))
    format = 'llama3-json';
  if (!format) return undefined;
  return { format, markers: markersOf[format] };
}

/** The same check, as the error a request with `tools` gets on a model that cannot take them. */
export function requireToolCallFormat(chatTemplate: TemplateSource, modelId: string): ToolFormatInfo {
  const info = detectToolCallFormat(chatTemplate);
  if (!info) {
    throw new HearthError(
      'TOOLS_UNSUPPORTED',
      `${modelId}'s chat template does not render tools, so it was not trained to call them. ` +
        'Use a model whose template supports tools (Qwen 2.5/3, Llama 3.1+, Mistral instruct v0.3+, Hermes), ' +
        'or send the request without `tools`.',
    );
  }
  return info;
}

export function createToolCallParser(format: ToolCallFormat, newId?: ToolCallIdFactory): OutputParser {
  switch (format) {
    case 'hermes':
      return new HermesToolCallParser(newId);
    case 'llama3-json':
      return new Llama3ToolCallParser(newId);
    case 'mistral':
    case 'mistral-args':
      return new MistralToolCallParser(newId);
  }
}

function templateText(source: TemplateSource): string | undefined {
  if (!source) return undefined;
  if (typeof source === 'string') return source;
  return (source.find((t) => t.name === 'tool_use') ?? source.find((t) => t.name === 'default'))?.template;
}
