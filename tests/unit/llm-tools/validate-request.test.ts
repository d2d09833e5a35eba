import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import type { ChatCompletionRequest, FunctionTool } from '../../../src/engines/llm/contract.ts';
import { validateToolRequest } from '../../../src/engines/llm/tools/index.ts';

const messages: ChatCompletionRequest['messages'] = [{ role: 'user', content: 'hi' }];
const tool = (name: string, parameters?: Record<string, unknown>): FunctionTool => ({
  type: 'function',
  function: { name, ...(parameters ? { parameters } : {}) },
});

function rejects(request: Partial<ChatCompletionRequest>, message: RegExp): void {
  let error: unknown;
  try {
    validateToolRequest({ messages, ...request } as ChatCompletionRequest);
  } catch (e) {
    error = e;
  }
  expect(isHearthError(error, 'INVALID_INPUT'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
}

describe('validateToolRequest', () => {
  it('resolves tool_choice into a rule', () => {
    const tools = [tool('a'), tool('b', { type: 'object', properties: { x: { type: 'integer' } } })];
    expect(validateToolRequest({ messages, tools }).rule).toEqual({ kind: 'auto', parallel: true });
    expect(validateToolRequest({ messages, tools, tool_choice: 'none' })).toMatchObject({
      rule: undefined,
      tools: [],
    });
    expect(
      validateToolRequest({ messages, tools, tool_choice: 'required', parallel_tool_calls: false }).rule,
    ).toEqual({
      kind: 'required',
      parallel: false,
    });
    expect(
      validateToolRequest({ messages, tools, tool_choice: { type: 'function', function: { name: 'b' } } })
        .rule,
    ).toEqual({ kind: 'named', name: 'b', parallel: false });
    expect(validateToolRequest({ messages }).rule).toBeUndefined();
  });

  it('resolves response_format', () => {
    expect(validateToolRequest({ messages, response_format: { type: 'text' } }).json).toBeUndefined();
    expect(validateToolRequest({ messages, response_format: { type: 'json_object' } }).json).toEqual({});
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(
      validateToolRequest({
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 's', schema } },
      }).json,
    ).toEqual({ schema });
  });

  it('names the mistake', () => {
    rejects({ tools: [tool('a'), tool('a')] }, /Two tools are named "a"/);
    rejects({ tools: [tool('has space')] }, /tools\[0\]\.function\.name "has space"/);
    rejects({ tools: [tool('a', { type: 'array' })] }, /type "object", not "array"/);
    rejects(
      { tools: [tool('a', { type: 'object', properties: { n: { type: 'integer', minimum: 'zero' } } })] },
      /properties\.n\.minimum: must be a number/,
    );
    rejects(
      { tools: [tool('a', { type: 'object', properties: { s: { type: 'string', pattern: '([a-z' } } })] },
      /properties\.s\.pattern: is not a valid regular expression/,
    );
    rejects(
      {
        tools: [
          tool('a', { type: 'object', properties: {}, required: ['ghost'], additionalProperties: false }),
        ],
      },
      /required: names "ghost"/,
    );
    rejects(
      { tools: [tool('a')], tool_choice: { type: 'function', function: { name: 'z' } } },
      /"z", which is not in tools \(a\)/,
    );
    rejects({ tool_choice: 'required' }, /needs tools/);
    rejects({ tools: [tool('a')], tool_choice: 'sometimes' as never }, /^tool_choice/);
    rejects({ response_format: { type: 'xml' } as never }, /^response_format/);
    rejects(
      { response_format: { type: 'json_schema', json_schema: { name: 's', schema: { type: 'objekt' } } } },
      /schema is not a valid JSON schema: type: "objekt" is not a JSON type/,
    );
    rejects({ tools: [{ type: 'function' }] as never }, /^tools\.0\.function/);
  });
});
