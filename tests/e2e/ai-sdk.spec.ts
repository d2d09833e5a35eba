import { expect, test, type Page } from '@playwright/test';
import type { AiSdkHarness } from '../ai-sdk/page.ts';

// The AI SDK (`ai` 7, installed in tests/ai-sdk by scripts/bootstrap.sh) runs generateText and
// streamText in Chromium on the tiny demo model through HearthLanguageModel (src/interop/ai-sdk).
// Tool calls are forced by toolChoice and structured output asked for with Output.object; the
// engine's constrained decoding makes both valid, so the tests check paths and shapes, not prose.
declare const harness: AiSdkHarness;

let page: Page;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async ({ browser }) => {
  page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/tests/ai-sdk/page.html');
  await page
    .waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 60_000 })
    .catch((error: Error) => {
      throw new Error(
        `ai-sdk harness did not start (run scripts/bootstrap.sh): ${errors.join('; ') || error.message}`,
      );
    });
  await page.evaluate(() => harness.open());
});
test.afterAll(async () => {
  await page.evaluate(() => harness.close());
  await page.close();
});

const checkWeatherInput = (input: unknown) => {
  const { city, unit } = input as { city: string; unit: string };
  expect(Object.keys(input as object).sort()).toEqual(['city', 'unit']);
  expect(city.length).toBeLessThanOrEqual(10);
  expect(['c', 'f']).toContain(unit);
};

test('generateText with a tool: the forced call runs, and the next step answers from its result', async () => {
  const result = await page.evaluate(() => harness.generateWithTools());
  expect(result.steps).toHaveLength(2);
  const [call, answer] = result.steps;
  expect(call!.finishReason).toBe('tool-calls');
  expect(call!.toolCalls).toHaveLength(1);
  expect(call!.toolCalls[0]!.toolName).toBe('weather');
  checkWeatherInput(call!.toolCalls[0]!.input);
  expect(result.executed).toEqual([call!.toolCalls[0]!.input]);
  const { city, unit } = call!.toolCalls[0]!.input as { city: string; unit: string };
  expect(call!.toolResults).toEqual([
    { toolName: 'weather', output: { forecast: `sunny in ${city}`, degrees: 21, unit } },
  ]);
  expect(answer!.toolCalls).toEqual([]);
  expect(['stop', 'length']).toContain(answer!.finishReason);
  expect(result.text).toBe(answer!.text);
  // Usage adds up across the steps, and the second prompt (the first one, the call and its result)
  // reused every token of the first from the engine's prefix cache.
  expect(result.totalUsage.inputTokens).toBe(call!.usage.inputTokens! + answer!.usage.inputTokens!);
  expect(result.totalUsage.outputTokens).toBe(call!.usage.outputTokens! + answer!.usage.outputTokens!);
  expect(answer!.usage.inputTokenDetails.cacheReadTokens).toBeGreaterThanOrEqual(call!.usage.inputTokens!);
  expect(result.providerMetadata?.hearth).toMatchObject({
    ttftMs: expect.any(Number),
    totalMs: expect.any(Number),
  });
  expect(result.warnings).toEqual([]);
});

test('streamText with a tool: input deltas, the call, its result, then the answer’s text deltas', async () => {
  const result = await page.evaluate(() => harness.streamWithTools());
  const { parts } = result;
  const first = (type: string) => parts.indexOf(type);
  expect(parts.slice(0, 3)).toEqual(['start', 'start-step', 'tool-input-start']);
  expect(parts.filter((type) => type === 'tool-input-delta').length).toBeGreaterThan(1);
  expect(first('tool-input-end')).toBeGreaterThan(first('tool-input-delta'));
  expect(first('tool-call')).toBeGreaterThan(first('tool-input-end'));
  expect(first('tool-result')).toBeGreaterThan(first('tool-call'));
  expect(first('text-delta')).toBeGreaterThan(first('tool-result'));
  expect(parts.filter((type) => type === 'finish-step')).toHaveLength(2);
  expect(parts.at(-1)).toBe('finish');
  // The streamed pieces are the call's arguments and the answer, whole.
  expect(result.toolCalls).toHaveLength(1);
  expect(JSON.parse(result.inputDeltas)).toEqual(result.toolCalls[0]!.input);
  checkWeatherInput(result.toolCalls[0]!.input);
  expect(result.executed).toEqual([result.toolCalls[0]!.input]);
  expect(result.textDeltas).toBe(result.text);
});

test('structured output: Output.object’s schema is enforced by constrained decoding, generated and streamed', async () => {
  const generated = await page.evaluate(() => harness.generateObject());
  const check = (output: unknown) => {
    const { city, rainy, days } = output as { city: string; rainy: boolean; days: number };
    expect(Object.keys(output as object).sort()).toEqual(['city', 'days', 'rainy']);
    expect(city.length).toBeLessThanOrEqual(10);
    expect(typeof rainy).toBe('boolean');
    expect(Number.isInteger(days) && days >= 1 && days <= 7).toBe(true);
  };
  check(generated.output);
  expect(JSON.parse(generated.text)).toEqual(generated.output);
  const streamed = await page.evaluate(() => harness.streamObject());
  check(streamed.output);
  expect(streamed.partials).toBeGreaterThan(1);
  // The same seed and prompt give the same object, streamed or not.
  expect(streamed.output).toEqual(generated.output);
});

test('abort: a stream ends with an abort part, a cancelled call rejects with AbortError, the engine goes on', async () => {
  const result = await page.evaluate(() => harness.abortCalls());
  expect(result.textDeltas).toBe(1);
  expect(result.parts.at(-1)).toBe('abort');
  expect(result.parts).not.toContain('error');
  expect(result.aborted).toBe(true);
  expect(result.rejected).toBe('AbortError');
  expect(result.nextAnswer).toEqual({ finishReason: 'length', outputTokens: 8 });
});
