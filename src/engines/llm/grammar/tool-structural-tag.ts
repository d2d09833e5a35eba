import type { StructuralTag, StructuralTagFormat, TagFormat } from '@mlc-ai/web-xgrammar';
import type { FunctionTool } from '../contract.ts';
import type { ToolCallFormat } from '../tools/formats.ts';
import { jsonSchemaEbnf } from './json-schema-ebnf.ts';

/**
 * What the request allows: calls only when the model opens one, at least one, or this one function;
 * `parallel` lets one turn hold several calls.
 */
export type ToolCallRule = ({ kind: 'auto' } | { kind: 'required' } | { kind: 'named'; name: string }) & {
  parallel: boolean;
};

interface FormatShape {
  /** Text that opens a call, up to where the arguments object starts. */
  begin(name: string): string;
  end: string;
  /** What makes the model's free text turn into a call (a prefix of every `begin`). */
  trigger: string;
  separator: string;
  /** Wraps a group of calls (Mistral's `[TOOL_CALLS][ ... ]`). */
  group?: { begin: string; end: string };
}

const shapes: Record<ToolCallFormat, FormatShape> = {
  hermes: {
    begin: (name) => `<tool_call>\n{"name": ${JSON.stringify(name)}, "arguments": `,
    end: '}\n</tool_call>',
    trigger: '<tool_call>',
    separator: '\n',
  },
  'llama3-json': {
    begin: (name) => `{"name": ${JSON.stringify(name)}, "parameters": `,
    end: '}',
    trigger: '{"name": ',
    separator: '; ',
  },
  mistral: {
    begin: (name) => `{"name": ${JSON.stringify(name)}, "arguments": `,
    end: '}',
    trigger: '[TOOL_CALLS]',
    separator: ', ',
    group: { begin: '[TOOL_CALLS][', end: ']' },
  },
  // Calls follow one another with no separator, each opened by the marker: the first marker opens
  // the group and the others separate (the engine needs a non-empty separator).
  'mistral-args': {
    begin: (name) => `${name}[ARGS]`,
    end: '',
    trigger: '[TOOL_CALLS]',
    separator: '[TOOL_CALLS]',
    group: { begin: '[TOOL_CALLS]', end: '' },
  },
};

/**
 * The structural tag that makes malformed calls impossible: once a call opens (or from the first
 * token, when a call is required), only a declared tool's name and JSON valid for its parameter
 * schema can follow, written the way the model's template writes calls. With a response schema
 * as well, the reply is either that JSON or calls.
 */
export async function toolStructuralTag(
  format: ToolCallFormat,
  tools: FunctionTool[],
  rule: ToolCallRule,
  responseSchema?: Record<string, unknown>,
): Promise<StructuralTag> {
  const shape = shapes[format];
  const chosen = rule.kind === 'named' ? tools.filter((t) => t.function.name === rule.name) : tools;
  const tags: TagFormat[] = [];
  for (const tool of chosen) {
    tags.push({
      type: 'tag',
      begin: shape.begin(tool.function.name),
      content: {
        type: 'grammar',
        grammar: await jsonSchemaEbnf(parametersOf(tool), `parameters of ${tool.function.name}`),
      },
      end: shape.end,
    });
  }
  const calls = callsFormat(shape, tags, rule);
  if (!responseSchema) return { type: 'structural_tag', format: calls };
  const response: StructuralTagFormat = {
    type: 'grammar',
    grammar: await jsonSchemaEbnf(responseSchema, 'response schema'),
  };
  const required: StructuralTagFormat =
    rule.kind === 'auto' ? callsFormat(shape, tags, { kind: 'required', parallel: rule.parallel }) : calls;
  return {
    type: 'structural_tag',
    format: rule.kind === 'auto' ? { type: 'or', elements: [response, required] } : required,
  };
}

function callsFormat(shape: FormatShape, tags: TagFormat[], rule: ToolCallRule): StructuralTagFormat {
  const single = !rule.parallel;
  const list = (inner: TagFormat[]): StructuralTagFormat =>
    rule.kind === 'named'
      ? inner[0]!
      : {
          type: 'tags_with_separator',
          tags: inner,
          separator: shape.separator,
          at_least_one: true,
          stop_after_first: single,
        };
  const group = shape.group;
  if (group && group.end) {
    const wrapped: TagFormat = { type: 'tag', begin: group.begin, content: list(tags), end: group.end };
    if (rule.kind !== 'auto') return wrapped;
    return { type: 'triggered_tags', triggers: [shape.trigger], tags: [wrapped], stop_after_first: true };
  }
  if (group) {
    // A group opened by a marker and closed by nothing (the engine refuses an empty tag end around a
    // list): a constant then the list; when free text may come first, each call is its own tag.
    if (rule.kind !== 'auto') {
      return { type: 'sequence', elements: [{ type: 'const_string', value: group.begin }, list(tags)] };
    }
    const opened = tags.map((tag) => ({ ...tag, begin: group.begin + tag.begin }));
    return { type: 'triggered_tags', triggers: [shape.trigger], tags: opened, stop_after_first: single };
  }
  if (rule.kind !== 'auto') return list(tags);
  return { type: 'triggered_tags', triggers: [shape.trigger], tags, stop_after_first: single };
}

export function parametersOf(tool: FunctionTool): Record<string, unknown> {
  return tool.function.parameters ?? { type: 'object', properties: {} };
}
