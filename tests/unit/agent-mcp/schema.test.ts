import { describe, expect, it } from 'vitest';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { loadMcpSdk } from '../../../src/agent/mcp/load-sdk.ts';
import { checkToolSchema } from '../../../src/agent/mcp/tool-schema.ts';
import { namespacedToolName } from '../../../src/agent/mcp/tool-names.ts';
import { approvalFor } from '../../../src/agent/mcp/tools.ts';

const sdk = await loadMcpSdk();
const config = { id: 'notes', url: 'http://127.0.0.1:1/mcp' };

describe('tool names', () => {
  it('puts the server id in front, so two servers’ tools of one name never collide', () => {
    expect(namespacedToolName('github', 'search')).toBe('github__search');
    expect(namespacedToolName('files', 'search')).toBe('files__search');
  });

  it('maps names an agent tool may not have to distinct valid names', () => {
    const a = namespacedToolName('srv', 'files/read.v2');
    const b = namespacedToolName('srv', 'files.read/v2');
    for (const name of [a, b]) expect(name).toMatch(/^srv__[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    const long = namespacedToolName('a-long-server-id-here', 'x'.repeat(128));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).not.toBe(namespacedToolName('a-long-server-id-here', `${'x'.repeat(127)}y`));
  });
});

describe('input schemas', () => {
  const usable = checkToolSchema(sdk, {
    type: 'object',
    properties: {
      city: { type: 'string', minLength: 2 },
      days: { type: 'integer', minimum: 1, maximum: 7 },
      unit: { $ref: '#/$defs/unit' },
    },
    required: ['city'],
    additionalProperties: false,
    $defs: { unit: { enum: ['celsius', 'fahrenheit'] } },
  });

  it('checks arguments with the schema and says what is wrong in words the model can use', () => {
    if (!usable.ok) throw new Error(usable.reason);
    const { parameters } = usable;
    expect(parameters.parse({ city: 'Paris', days: 3, unit: 'celsius' })).toEqual({
      success: true,
      data: { city: 'Paris', days: 3, unit: 'celsius' },
    });
    const wrong = parameters.parse({ city: 'P', days: 9, unit: 'kelvin', extra: 1 });
    expect(wrong.success).toBe(false);
    if (wrong.success) return;
    expect(wrong.error).toMatch(/city/);
    expect(wrong.error).toMatch(/days/);
    expect(wrong.error).toMatch(/unit/);
    expect(parameters.parse({})).toMatchObject({ success: false, error: expect.stringMatching(/city/) });
    expect(parameters.parse('Paris')).toMatchObject({
      success: false,
      error: expect.stringMatching(/JSON object/),
    });
    // No arguments at all is an empty object (the model may send none for a tool without required fields).
    expect(checkToolSchema(sdk, { type: 'object' })).toMatchObject({ ok: true });
  });

  it('shows the model the schema untouched', () => {
    if (!usable.ok) throw new Error(usable.reason);
    expect(JSON.stringify(usable.parameters.jsonSchema)).not.toMatch(/__absolute/);
    expect(usable.parameters.jsonSchema).toMatchObject({
      $defs: { unit: { enum: ['celsius', 'fahrenheit'] } },
    });
  });

  it.each([
    [{ type: 'string' }, /MCP requires "object"/],
    ['{"type":"object"}', /not a JSON object/],
    [{ type: 'object', properties: 'city' }, /properties is not an object of schemas/],
    [{ type: 'object', properties: { a: 5 } }, /#\/properties\/a is number/],
    [{ type: 'object', required: 'city' }, /required is not a list/],
    [{ type: 'object', properties: { a: { type: 'text' } } }, /names no JSON type/],
    [
      { type: 'object', properties: { a: { type: 'string', pattern: '([' } } },
      /not a valid regular expression/,
    ],
    [{ type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }, /points outside the schema/],
    [
      { type: 'object', properties: { a: { $ref: 'https://example.com/schema.json' } } },
      /points outside the schema/,
    ],
    [{ type: 'object', properties: { a: { anyOf: { type: 'string' } } } }, /anyOf is not a list/],
    [{ type: 'object', description: 'x'.repeat(70_000) }, /over the 65536/],
  ])('refuses %j with the reason', (schema, reason) => {
    const checked = checkToolSchema(sdk, schema);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(reason);
  });

  it('refuses a schema nested deeper than it will walk', () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 40; i++) schema = { type: 'object', properties: { a: schema } };
    expect(checkToolSchema(sdk, schema)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/deeper/),
    });
  });
});

describe('approvals from annotations', () => {
  const tool = (annotations?: Tool['annotations']): Tool => ({
    name: 't',
    inputSchema: { type: 'object' },
    ...(annotations ? { annotations } : {}),
  });

  it('asks first for destructive and unannotated tools (MCP’s default is destructive)', () => {
    expect(approvalFor(tool({ destructiveHint: true }), config)).toBe(true);
    expect(approvalFor(tool(), config)).toBe(true);
    expect(approvalFor(tool({ readOnlyHint: false }), config)).toBe(true);
  });

  it('runs read-only and only-adding tools without asking, unless the server is set to always ask', () => {
    expect(approvalFor(tool({ readOnlyHint: true }), config)).toBe(false);
    expect(approvalFor(tool({ readOnlyHint: true, destructiveHint: true }), config)).toBe(false);
    expect(approvalFor(tool({ destructiveHint: false }), config)).toBe(false);
    expect(approvalFor(tool({ readOnlyHint: true }), { ...config, approvals: 'always' })).toBe(true);
  });
});
