import { expect, test } from '@playwright/test';
import type { EngineCapabilities, Usage } from '../../src/engines/llm/contract.ts';
import type { ChatReference } from '../unit/llm/reference.ts';
import type { ParityResult } from '../unit/llm/parity-run.ts';
import { checkAgainstPyTorch } from '../unit/llm/wasm-decoder/tolerance.ts';
import { openHarness } from './harness.ts';

type Failure = { code?: string; message: string } | null;
type DecoderRun = { steps: number[][]; threads: number; simd: string };
declare const harness: {
  reference(): Promise<ChatReference>;
  parity(
    device: 'wasm' | 'webgpu',
    dtype: 'fp32' | 'q4',
    wasmQuantized?: 'fp32' | 'native',
  ): Promise<ParityResult>;
  open(device: 'wasm' | 'webgpu', dtype?: 'fp32' | 'q4'): Promise<EngineCapabilities>;
  greedy(maxTokens: number): Promise<{ content: string | null; usage: Usage; finish: string }>;
  streamThenAbort(after: number): Promise<{ count: number; finish: string | null; text: string }>;
  twoTurns(): Promise<{ first: Usage; second: Usage }>;
  seeded(seed: number): Promise<string | null>;
  brokenThenHealthy(): Promise<{ broken: Failure; overflow: Failure; after: { content: string | null } }>;
  wasmDecoder(): Promise<{
    relaxedAvailable: boolean;
    relaxedOne: DecoderRun;
    plainOne: DecoderRun;
    relaxedTwo: DecoderRun;
  }>;
};

test.beforeEach(async ({ page }) => openHarness(page, 'llm'));

test("Hearth's WASM decoder in Chromium: relaxed = plain SIMD bit for bit, 2 threads = 1, within the int8 bounds of PyTorch", async ({
  page,
}) => {
  const reference = await page.evaluate(() => harness.reference());
  const result = await page.evaluate(() => harness.wasmDecoder());
  expect(result.relaxedAvailable).toBe(true); // Chromium ships relaxed SIMD
  expect(result.relaxedOne.simd).toBe('relaxed');
  expect(result.relaxedTwo.threads).toBe(2);
  expect(result.plainOne.steps).toEqual(result.relaxedOne.steps);
  expect(result.relaxedTwo.steps).toEqual(result.relaxedOne.steps);
  // Bounds and their derivation: tests/unit/llm/wasm-decoder/tolerance.ts.
  const { failures, tightShare } = checkAgainstPyTorch(
    result.relaxedOne.steps.map((ours, step) => ({
      label: `step ${step}`,
      ours,
      act8: reference.q4_act8.logits[step]!,
      float: reference.q4.logits[step]!,
    })),
  );
  expect(failures).toEqual([]);
  expect(tightShare).toBeGreaterThanOrEqual(0.9);
});

test('through the worker: q4 on WASM runs on the WASM decoder, greedy text equals the reference', async ({
  page,
}) => {
  const reference = await page.evaluate(() => harness.reference());
  const caps = await page.evaluate(() => harness.open('wasm', 'q4'));
  expect(caps.weights).toMatchObject({ path: 'wasm-q4', simd: 'relaxed' });
  expect(caps.weights!.residentBytes / caps.weights!.fileBytes).toBeLessThanOrEqual(1.25);
  const result = await page.evaluate((n) => harness.greedy(n), reference.q4.tokens.length);
  expect(result.content).toBe(reference.q4.text.split('<|im_end|>')[0]);
});

for (const dtype of ['fp32', 'q4'] as const) {
  test(`WASM in Chromium: ${dtype} logits within 1e-4 of PyTorch at every step`, async ({ page }) => {
    const result = await page.evaluate((d) => harness.parity('wasm', d), dtype);
    expect(result.device).toBe('wasm');
    // The append-only KV cache (graph rewritten at load) is what WASM runs.
    expect(result.kvCache).toBe('append');
    // 1e-4: float32 ORT vs float32 PyTorch on the tiny decoder, valid on any x86-64 CPU: see tests/unit/llm/ort-parity.test.ts.
    for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
    expect(result.argmaxMismatches).toEqual([]);
  });

  test(`WebGPU (SwiftShader): ${dtype} logits within 2e-2 of PyTorch, same argmax`, async ({ page }) => {
    const result = await page.evaluate((d) => harness.parity('webgpu', d), dtype);
    expect(result.device).toBe('webgpu');
    expect(result.kvCache).toBe('fed-back');
    // Not derived from float32 rounding: WGSL allows exp, division and inverseSqrt several ULP of error, and the
    // gap measured on SwiftShader is ~1e-2 (the architecture notes), so 2e-2 is an empirical bound; the argmax
    // check carries the weight. SwiftShader runs on the CPU, but through its own JIT, not OpenBLAS or ORT's WASM.
    for (const diff of result.maxDiffs) expect(diff).toBeLessThan(2e-2);
    expect(result.argmaxMismatches).toEqual([]);
  });
}

test('WASM in Chromium: q4 through ORT MatMulNBits (not dequantised) within 1e-4 too', async ({ page }) => {
  const result = await page.evaluate(() => harness.parity('wasm', 'q4', 'native'));
  for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
  expect(result.argmaxMismatches).toEqual([]);
});

for (const device of ['wasm', 'webgpu'] as const) {
  test(`through the worker on ${device}: greedy chat equals the reference tokens`, async ({ page }) => {
    const reference = await page.evaluate(() => harness.reference());
    const caps = await page.evaluate((d) => harness.open(d), device);
    expect(caps).toMatchObject({ backend: 'ort', device, dtype: 'fp32' });
    const steps = reference.fp32.tokens.length;
    const result = await page.evaluate((n) => harness.greedy(n), steps);
    const eos = reference.fp32.tokens.indexOf(reference.eos_token_id);
    const expected = reference.fp32.text.split('<|im_end|>')[0];
    expect(result.content).toBe(expected);
    expect(result.usage.completion_tokens).toBe(eos === -1 ? steps : eos + 1);
  });
}

test('through the worker: abort mid-stream, then the next request runs', async ({ page }) => {
  await page.evaluate(() => harness.open('wasm'));
  const aborted = await page.evaluate(() => harness.streamThenAbort(3));
  expect(aborted.finish).toBe('abort');
  expect(aborted.count).toBeLessThanOrEqual(6);
  const next = await page.evaluate(() => harness.greedy(8));
  expect(next.usage.completion_tokens).toBe(8);
  expect(next.content!.startsWith(aborted.text)).toBe(true);
});

test('through the worker: the second turn reuses the first turn from the KV cache', async ({ page }) => {
  await page.evaluate(() => harness.open('wasm'));
  const { first, second } = await page.evaluate(() => harness.twoTurns());
  expect(first.cached_prompt_tokens).toBe(0);
  expect(second.cached_prompt_tokens).toBeGreaterThanOrEqual(
    first.prompt_tokens + first.completion_tokens - 1,
  );
  expect(second.prompt_tokens - second.cached_prompt_tokens).toBeLessThan(20);
});

test('through the worker on webgpu: the KV cache stays on the GPU across turns and is cut back correctly', async ({
  page,
}) => {
  const reference = await page.evaluate(() => harness.reference());
  await page.evaluate(() => harness.open('webgpu'));
  const { second } = await page.evaluate(() => harness.twoTurns());
  expect(second.cached_prompt_tokens).toBeGreaterThan(0);
  // Back to the one-question conversation: the cache is cut to the shared prefix (a GPU -> CPU copy).
  const steps = reference.fp32.tokens.length;
  const again = await page.evaluate((n) => harness.greedy(n), steps);
  expect(again.usage.cached_prompt_tokens).toBeGreaterThan(0);
  expect(again.content).toBe(reference.fp32.text.split('<|im_end|>')[0]);
});

test('through the worker: the same seed gives the same text', async ({ page }) => {
  await page.evaluate(() => harness.open('wasm', 'q4'));
  const a = await page.evaluate(() => harness.seeded(7));
  const b = await page.evaluate(() => harness.seeded(7));
  expect(b).toBe(a);
});

test('through the worker: a missing model and an overflowing prompt fail clearly, and the worker lives on', async ({
  page,
}) => {
  await page.evaluate(() => harness.open('wasm'));
  const result = await page.evaluate(() => harness.brokenThenHealthy());
  // A static host answers 404 (MODEL_FILE_MISSING); Vite's dev server answers its HTML page (MODEL_FILE_MALFORMED).
  expect(['MODEL_FILE_MISSING', 'MODEL_FILE_MALFORMED']).toContain(result.broken?.code);
  expect(result.broken?.message).toContain('hearth-demo/no-such-model');
  expect(result.overflow?.code).toBe('CONTEXT_OVERFLOW');
  expect(result.after.content!.length).toBeGreaterThan(0);
});
