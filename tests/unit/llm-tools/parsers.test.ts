import { describe, expect, it } from 'vitest';
import { createToolCallParser, type ToolCallFormat } from '../../../src/engines/llm/tools/index.ts';
import { collect, counterIds, streamThrough } from './stream-helpers.ts';

interface Case {
  name: string;
  text: string;
  content: string;
  calls: Array<{ name: string; arguments: unknown }>;
}

/** Arguments compared as JSON values: the text is passed verbatim, its layout is the model's. */
function expectCase(format: ToolCallFormat, c: Case): void {
  const chars = Array.from(c.text).length;
  for (let size = 1; size <= chars; size++) {
    const got = collect(streamThrough(createToolCallParser(format, counterIds()), c.text, size));
    const where = `${c.name}, pieces of ${size}`;
    expect(got.content, where).toBe(c.content);
    expect(
      got.calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown })),
      where,
    ).toEqual(c.calls);
    expect(got.calls.map((call) => call.id)).toEqual(got.calls.map((_, i) => `call_${i}`));
  }
}

const weather = { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } };
const nested = {
  name: 'search',
  arguments: {
    q: 'a {b} [c] "d" </tool_call> <tool_call> \\ é 東京 🙂',
    filter: { tags: ['x', { y: [1, 2] }] },
  },
};

describe('Hermes / Qwen parser', () => {
  const cases: Case[] = [
    { name: 'plain text', text: 'Hello there, no tools.', content: 'Hello there, no tools.', calls: [] },
    {
      name: 'one call',
      text: '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}\n</tool_call>',
      content: '',
      calls: [weather],
    },
    {
      name: 'text, nested JSON with tags and braces in strings, second call, junk after',
      text:
        'Let me check.\n<tool_call>\n' +
        JSON.stringify(nested) +
        '\n</tool_call>\n<tool_call>\n{"arguments": {"city": "Paris", "unit": "celsius"}, "name": "get_weather"}\n</tool_call>\nDone <tool_ca',
      content: 'Let me check.\nDone <tool_ca',
      calls: [nested, weather],
    },
    {
      name: 'arguments as a JSON string, missing arguments',
      text: '<tool_call>{"name": "a", "arguments": "{\\"x\\": 1}"}</tool_call><tool_call>{"name": "b"}</tool_call>',
      content: '',
      calls: [
        { name: 'a', arguments: { x: 1 } },
        { name: 'b', arguments: {} },
      ],
    },
    {
      name: 'not a call inside the tags',
      text: 'x <tool_call>not json</tool_call> y',
      content: 'x <tool_call>not json</tool_call> y',
      calls: [],
    },
    {
      name: 'object without a name',
      text: '<tool_call>{"arguments": {}}</tool_call>',
      content: '<tool_call>{"arguments": {}}</tool_call>',
      calls: [],
    },
    {
      name: 'junk after the object instead of the closing tag',
      text: '<tool_call>{"name": "b", "arguments": {"k": [1]}} trailing words',
      content: 'trailing words',
      calls: [{ name: 'b', arguments: { k: [1] } }],
    },
  ];
  for (const c of cases) it(c.name, () => expectCase('hermes', c));

  it('streams the arguments while they are written', () => {
    const parser = createToolCallParser('hermes', counterIds());
    const early = parser.push('<tool_call>{"name": "get_weather", "arguments": {"city": "Pa');
    expect(collect(early).calls).toEqual([{ id: 'call_0', name: 'get_weather', arguments: '{"city": "Pa' }]);
  });

  it('gives back an unfinished call that never named its function', () => {
    const got = collect(streamThrough(createToolCallParser('hermes'), 'ok <tool_call>{"argum', 3));
    expect(got).toEqual({ content: 'ok <tool_call>{"argum', calls: [] });
  });
});

describe('Llama 3.x parser', () => {
  const cases: Case[] = [
    {
      name: 'plain text',
      text: 'The answer is {not a call}.',
      content: 'The answer is {not a call}.',
      calls: [],
    },
    {
      name: 'bare JSON call with parameters',
      text: '{"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}}',
      content: '',
      calls: [weather],
    },
    {
      name: 'python tag, nested JSON, two calls separated by ; and junk after',
      text: `<|python_tag|>${JSON.stringify({ name: nested.name, parameters: nested.arguments })}; {"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}}\nthat is all`,
      content: 'that is all',
      calls: [nested, weather],
    },
    {
      name: 'built-in tool in Python syntax',
      text: '<|python_tag|>brave_search.call(query="weather in \\"Paris\\"", count=3, safe=True)',
      content: '',
      calls: [{ name: 'brave_search', arguments: { query: 'weather in "Paris"', count: 3, safe: true } }],
    },
    {
      name: 'text, then a python tag call',
      text: 'Sure.\n<|python_tag|>{"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}}',
      content: 'Sure.',
      calls: [weather],
    },
    {
      name: 'text, then a bare call object',
      text: 'Checking. {"name": "get_weather", "parameters": {"city": "Paris", "unit": "celsius"}} ok {"name" is not}',
      content: 'Checking. ok {"name" is not}',
      calls: [weather],
    },
    {
      name: 'a JSON object that is not a call',
      text: '{"answer": 42} is it',
      content: '{"answer": 42} is it',
      calls: [],
    },
  ];
  for (const c of cases) it(c.name, () => expectCase('llama3-json', c));
});

describe('Mistral parser', () => {
  const cases: Case[] = [
    { name: 'plain text', text: 'Just [text] here.', content: 'Just [text] here.', calls: [] },
    {
      name: 'array of calls with nested JSON',
      text: `[TOOL_CALLS] [${JSON.stringify(nested)}, {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}]`,
      content: '',
      calls: [nested, weather],
    },
    {
      name: 'marker dropped by the decoder',
      text: '[{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}] then text',
      content: ' then text',
      calls: [weather],
    },
    {
      name: 'newer name[ARGS]{...} form, twice, junk after',
      text: `[TOOL_CALLS]get_weather[ARGS]{"city": "Paris", "unit": "celsius"}[TOOL_CALLS]search[ARGS]${JSON.stringify(nested.arguments)} bye`,
      content: ' bye',
      calls: [weather, nested],
    },
    {
      name: 'marker followed by something else',
      text: 'a [TOOL_CALLS] ??? b',
      content: 'a [TOOL_CALLS] ??? b',
      calls: [],
    },
    { name: 'a JSON array that is not calls', text: '[1, 2]', content: '[1, 2]', calls: [] },
  ];
  for (const c of cases) it(c.name, () => expectCase('mistral', c));
});
