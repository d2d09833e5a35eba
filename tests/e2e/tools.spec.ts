import { expect, test } from '@playwright/test';
import type {
  ChatCompletionRequest,
  EngineCapabilities,
  FunctionTool,
  ToolCall,
} from '../../src/engines/llm/contract.ts';
import { openHarness } from './harness.ts';

type Result =
  | { content: string | null; tool_calls: ToolCall[]; finish_reason: string }
  | { error: { code?: string; message: string } };

declare const harness: {
  open(device: 'wasm' | 'webgpu'): Promise<EngineCapabilities>;
  run(request: Omit<ChatCompletionRequest, 'messages'>, seeds: number[]): Promise<Result[]>;
  streamCalls(request: Omit<ChatCompletionRequest, 'messages'>): Promise<{
    calls: Array<{ id: string; name: string; arguments: string }>;
    deltas: number;
    finish: string | null;
  }>;
  tools: FunctionTool[];
  close(): void;
};

const seeds = [1, 2, 3, 4, 5];

test.beforeEach(async ({ page }) => openHarness(page, 'tools'));
test.afterEach(async ({ page }) => page.evaluate(() => harness.close()));

for (const device of ['wasm', 'webgpu'] as const) {
  test(`${device}: tool_choice required gives a valid call in the worker, streamed as deltas`, async ({
    page,
  }) => {
    test.setTimeout(device === 'webgpu' ? 300_000 : 120_000);
    const capabilities = await page.evaluate((d) => harness.open(d), device);
    expect(capabilities.supportsTools).toBe(true);
    expect(capabilities.supportsGrammar).toBe(true);
    const runs = device === 'webgpu' ? seeds.slice(0, 2) : seeds;
    const results = await page.evaluate(
      (s) => harness.run({ tools: harness.tools, tool_choice: 'required', parallel_tool_calls: false }, s),
      runs,
    );
    for (const result of results) {
      expect('error' in result ? result.error : null).toBeNull();
      if ('error' in result) continue;
      expect(result.finish_reason).toBe('tool_calls');
      expect(result.tool_calls).toHaveLength(1);
      const call = result.tool_calls[0]!;
      expect(call.function.name).toBe('get_weather');
      const args = JSON.parse(call.function.arguments) as { city: string; unit: string };
      expect(typeof args.city).toBe('string');
      expect(args.city.length).toBeLessThanOrEqual(12);
      expect(['celsius', 'fahrenheit']).toContain(args.unit);
    }
    const streamed = await page.evaluate(() =>
      harness.streamCalls({
        tools: harness.tools,
        tool_choice: 'required',
        parallel_tool_calls: false,
        seed: 9,
      }),
    );
    expect(streamed.finish).toBe('tool_calls');
    expect(streamed.calls.map((c) => c.name)).toEqual(['get_weather']);
    expect(streamed.deltas).toBeGreaterThan(1);
    expect(JSON.parse(streamed.calls[0]!.arguments)).toHaveProperty('city');
  });
}

test('wasm: json_schema output parses and fits; a bad tool_choice is refused before generation', async ({
  page,
}) => {
  await page.evaluate(() => harness.open('wasm'));
  const schema = {
    type: 'object',
    properties: { answer: { type: 'string', maxLength: 20 }, sure: { type: 'boolean' } },
    required: ['answer', 'sure'],
    additionalProperties: false,
  };
  const results = await page.evaluate(
    (s) =>
      harness.run(
        { response_format: { type: 'json_schema', json_schema: { name: 'a', schema: s } } },
        [1, 2, 3],
      ),
    schema,
  );
  for (const result of results) {
    if ('error' in result) throw new Error(result.error.message);
    const value = JSON.parse(result.content ?? '') as { answer: string; sure: boolean };
    expect(Object.keys(value).sort()).toEqual(['answer', 'sure']);
    expect(value.answer.length).toBeLessThanOrEqual(20);
    expect(typeof value.sure).toBe('boolean');
  }
  const [refused] = await page.evaluate(() =>
    harness.run({ tools: harness.tools, tool_choice: { type: 'function', function: { name: 'nope' } } }, [1]),
  );
  expect(refused).toMatchObject({ error: { code: 'INVALID_INPUT' } });
});
