import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  calculatorTool,
  currentTimeTool,
  defineTool,
  evaluateExpression,
  searchDocumentsTool,
  serializeToolResult,
  shapeToolResult,
} from '../../../src/agent/index.ts';
import type { ToolContext } from '../../../src/agent/index.ts';

const context: ToolContext = {
  signal: new AbortController().signal,
  runId: 'r',
  callId: 'c',
  progress: () => undefined,
  startSpan: () => ({ setAttributes: () => undefined, end: () => undefined }),
};

describe('calculator: a parser, not eval', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['2 ^ 3 ^ 2', 512], // right-associative
    ['-2 ^ 2', -4], // as in mathematics
    ['2 ** 10', 1024],
    ['10 % 4', 2],
    ['sqrt(16) + abs(-3) + max(1, 7, 2)', 14],
    ['6 × 7 − 2 ÷ 2', 41],
    ['1.5e3 / .5', 3000],
    ['round(pi * 100) / 100', 3.14],
  ])('%s = %d', (expression, value) => {
    expect(evaluateExpression(expression)).toBeCloseTo(value, 12);
  });

  it.each([
    ['constructor', /Unknown name "constructor"/],
    ['__proto__(1)', /Unknown function "__proto__"/],
    ['alert(1)', /Unknown function "alert"/],
    ['1 +', /ends too early/],
    ['(1 + 2', /Expected "\)"/],
    ['2 $ 3', /Unexpected character "\$"/],
    ['1 2', /Unexpected "2"|Unexpected/],
  ])('refuses %s', (expression, message) => {
    expect(() => evaluateExpression(expression)).toThrow(message);
  });

  it('bounds length and nesting', () => {
    expect(() => evaluateExpression('1+'.repeat(600) + '1')).toThrow(/longer than/);
    expect(() => evaluateExpression('('.repeat(300) + '1' + ')'.repeat(300))).toThrow(/nested too deeply/);
  });

  it('as a tool: the value, or a non-finite result said in words', async () => {
    expect(await calculatorTool.execute({ expression: '6*7' }, context)).toEqual({
      expression: '6*7',
      value: 42,
    });
    expect(await calculatorTool.execute({ expression: '1/0' }, context)).toMatchObject({
      error: 'The result is not a finite number (Infinity).',
    });
    expect(calculatorTool.parameters.parse({})).toMatchObject({ success: false });
  });
});

describe('built-in tools', () => {
  it('current_time in a named zone; an unknown zone throws (the model reads it)', async () => {
    const now = (await currentTimeTool.execute({ timeZone: 'Asia/Tokyo' }, context)) as {
      iso: string;
      timeZone: string;
    };
    expect(now.timeZone).toBe('Asia/Tokyo');
    expect(Math.abs(Date.parse(now.iso) - Date.now())).toBeLessThan(5_000);
    await expect(currentTimeTool.execute({ timeZone: 'Mars/Olympus' }, context)).rejects.toThrow(RangeError);
  });

  it('search_documents returns numbered, cited passages from the RAG contract', async () => {
    const requests: unknown[] = [];
    const tool = searchDocumentsTool({
      search: async (request) => {
        requests.push(request);
        return [
          {
            documentId: 'd1',
            collectionId: 'c1',
            title: 'Guide',
            source: 'guide.md',
            chunkSeq: 0,
            text: 'Hearth runs models on your device.',
            start: 10,
            end: 44,
            headingPath: ['Intro', 'Why'],
            tags: [],
            score: 1,
            denseRank: 1,
            lexicalRank: 1,
          },
        ];
      },
    });
    const parsed = tool.parameters.parse({ query: 'device' });
    expect(parsed).toEqual({ success: true, data: { query: 'device', k: 4 } });
    const result = await tool.execute(parsed.success ? parsed.data : null, context);
    expect(requests).toEqual([{ query: 'device', k: 4 }]);
    expect(result).toEqual({
      query: 'device',
      passages: [
        {
          n: 1,
          title: 'Guide',
          source: 'guide.md',
          documentId: 'd1',
          start: 10,
          end: 44,
          section: 'Intro › Why',
          text: 'Hearth runs models on your device.',
        },
      ],
    });
  });
});

describe('defineTool and the result policy', () => {
  it('the model sees the input side of the schema; unknown keys are refused', () => {
    const tool = defineTool({
      name: 'book',
      description: 'Books a table.',
      parameters: z.object({ guests: z.number().int().min(1).max(12), when: z.string().default('tonight') }),
      execute: () => 'ok',
    });
    expect(tool.parameters.jsonSchema).toEqual({
      type: 'object',
      properties: {
        guests: { type: 'integer', minimum: 1, maximum: 12 },
        when: { type: 'string', default: 'tonight' },
      },
      required: ['guests'],
      additionalProperties: false,
    });
    expect(tool.parameters.parse({ guests: 2 })).toEqual({
      success: true,
      data: { guests: 2, when: 'tonight' },
    });
    const bad = tool.parameters.parse({ guests: 40 });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error).toMatch(/guests/);
    expect(() =>
      defineTool({ name: 'bad name', description: '', parameters: z.object({}), execute: () => 1 }),
    ).toThrow(/letters, digits/);
  });

  it('non-JSON results are written as text, not lost', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(serializeToolResult('plain')).toBe('plain');
    expect(serializeToolResult(undefined)).toBe('undefined');
    expect(
      serializeToolResult({ n: 10n, f: function named() {}, m: new Map([['k', 1]]), s: new Set([1]) }),
    ).toBe('{"n":"10","f":"[Function named]","m":{"k":1},"s":[1]}');
    expect(serializeToolResult(cyclic)).toBe('{"a":1,"self":"[Circular]"}');
    expect(serializeToolResult(new TypeError('nope'))).toBe('TypeError: nope');
  });

  it('cuts past the cap on a character boundary, with a note giving both sizes', () => {
    const text = '€'.repeat(1000); // 3 bytes each
    const shaped = shapeToolResult(text, 400);
    expect(shaped.truncated).toBe(true);
    expect(shaped.bytes).toBe(3000);
    expect(shaped.full).toBe(text);
    expect(new TextEncoder().encode(shaped.output).length).toBeLessThanOrEqual(400);
    expect(shaped.output).toMatch(
      /^€+\n\[truncated: the result was 3000 bytes; only the first 400 are shown\]$/,
    );
    expect(shapeToolResult('short', 400)).toEqual({ output: 'short', truncated: false, bytes: 5 });
  });
});
