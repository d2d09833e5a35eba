import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import type { ChatMessage, FunctionTool } from '../../../src/engines/llm/contract.ts';
import { ChatTemplate } from '../../../src/engines/llm/text/chat-template.ts';
import {
  createToolCallParser,
  detectToolCallFormat,
  requireToolCallFormat,
} from '../../../src/engines/llm/tools/index.ts';
import { realTokenizer } from './real-vocabularies.ts';
import { collect, streamThrough } from './stream-helpers.ts';

const weather: FunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather.',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** An OpenAI-shaped tool round trip: two parallel calls (arguments as JSON strings) and their results. */
const conversation: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Weather in Paris and Oslo?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 21}' },
  { role: 'tool', tool_call_id: 'call_2', content: '{"temp": 3}' },
];

describe('tool conversations through real chat templates', () => {
  it('Qwen3: tools in the system turn, calls in <tool_call> tags, results as <tool_response>', () => {
    const { config } = realTokenizer('qwen3');
    expect(detectToolCallFormat(config.chat_template)?.format).toBe('hermes');
    const text = new ChatTemplate(config).render(conversation, {
      tools: [weather],
      addGenerationPrompt: true,
    });
    expect(text).toBe(
      '<|im_start|>system\nYou are terse.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
        'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
        '{"type": "function", "function": {"name": "get_weather", "description": "Current weather.", ' +
        '"parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}\n' +
        '</tools>\n\nFor each function call, return a json object with function name and arguments within ' +
        '<tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n' +
        '</tool_call><|im_end|>\n' +
        '<|im_start|>user\nWeather in Paris and Oslo?<|im_end|>\n' +
        '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>\n' +
        '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call><|im_end|>\n' +
        '<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response>\n<tool_response>\n{"temp": 3}\n' +
        '</tool_response><|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('Qwen3: what the template writes for a call, the Hermes parser reads back as the same call', () => {
    const { config } = realTokenizer('qwen3');
    const text = new ChatTemplate(config).render(conversation.slice(0, 3), {
      tools: [weather],
      addGenerationPrompt: false,
    });
    const turn = text.slice(
      text.lastIndexOf('<|im_start|>assistant\n') + '<|im_start|>assistant\n'.length,
      -'<|im_end|>\n'.length,
    );
    for (const size of [1, 2, 7, turn.length]) {
      const got = collect(streamThrough(createToolCallParser('hermes'), turn, size));
      // Qwen3 writes an (empty) reasoning block before the calls of the last turn: it stays content.
      expect(got.content).toBe('<think>\n\n</think>');
      expect(got.calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([
        ['get_weather', { city: 'Paris' }],
        ['get_weather', { city: 'Oslo' }],
      ]);
    }
  });

  it('the demo model: the same string as the Python renderer it was trained with', () => {
    const dir = resolve(
      import.meta.dirname,
      '../../../public/models/hearth-demo/tiny-llama-chat/resolve/main',
    );
    const config = JSON.parse(readFileSync(resolve(dir, 'tokenizer_config.json'), 'utf8')) as {
      chat_template: string;
    };
    const reference = JSON.parse(
      readFileSync(resolve(import.meta.dirname, '../../fixtures/reference/tiny-llama-chat.json'), 'utf8'),
    ) as {
      chat_template: Array<{
        name: string;
        tools: FunctionTool[];
        messages: Array<Record<string, unknown>>;
        text: string;
      }>;
    };
    const roundTrip = reference.chat_template.find((c) => c.name === 'tools_roundtrip')!;
    expect(detectToolCallFormat(config.chat_template)?.format).toBe('hermes');
    // The reference passes arguments as objects (as Python does); OpenAI clients send JSON strings.
    const messages = roundTrip.messages.map((m) =>
      m.role === 'assistant'
        ? {
            ...m,
            tool_calls: (m.tool_calls as Array<{ function: { name: string; arguments: unknown } }>).map(
              (c, i) => ({
                id: `call_${i}`,
                type: 'function',
                function: { name: c.function.name, arguments: JSON.stringify(c.function.arguments) },
              }),
            ),
          }
        : { ...m, tool_call_id: 'call_0' },
    ) as ChatMessage[];
    expect(
      new ChatTemplate(config).render(messages, { tools: roundTrip.tools, addGenerationPrompt: true }),
    ).toBe(roundTrip.text);
  });

  it('templates that do not render tools (the Llama 3 and Gemma 3 packages) are refused with a clear error', () => {
    for (const model of ['llama3_1', 'gemma3'] as const) {
      const { config } = realTokenizer(model);
      expect(detectToolCallFormat(config.chat_template), model).toBeUndefined();
      const error = (() => {
        try {
          requireToolCallFormat(config.chat_template, model);
        } catch (e) {
          return e;
        }
      })();
      expect(isHearthError(error, 'TOOLS_UNSUPPORTED')).toBe(true);
      expect((error as Error).message).toMatch(/does not render tools/);
    }
  });

  it('recognises the Llama 3.1+ and Mistral tool templates by what they write', () => {
    const llama =
      '{%- if tools is not none %}{{- "Environment: ipython\\n" }}{%- endif %}' +
      '{{- \'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.\' }}';
    expect(detectToolCallFormat(llama)?.format).toBe('llama3-json');
    expect(detectToolCallFormat(llama)?.markers).toEqual(['<|python_tag|>']);
    const mistral =
      '{%- if tools %}[AVAILABLE_TOOLS]{{ tools|tojson }}[/AVAILABLE_TOOLS]{% endif %}[TOOL_CALLS]';
    expect(detectToolCallFormat(mistral)?.format).toBe('mistral');
    expect(detectToolCallFormat(`${mistral}{{ tool.name }}[ARGS]{{ tool.arguments }}`)?.format).toBe(
      'mistral-args',
    );
    expect(
      detectToolCallFormat([
        { name: 'default', template: 'no tools here' },
        { name: 'tool_use', template: '{% for tool in tools %}<tool_call>{% endfor %}' },
      ])?.format,
    ).toBe('hermes');
  });
});
