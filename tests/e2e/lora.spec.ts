import { expect, test } from '@playwright/test';
import { openHarness } from './harness.ts';

interface Turn {
  adapter: string | null;
  maxDiff: number;
  sameArgmax: boolean;
  prefilled: number;
  promptTokens: number;
}
declare const harness: {
  conversation(device: 'wasm' | 'webgpu'): Promise<{ device: string; turns: Turn[] }>;
  throughWorker(device: 'wasm' | 'webgpu'): Promise<Record<string, unknown>>;
};

test.beforeEach(async ({ page }) => openHarness(page, 'lora'));

for (const [device, tolerance] of [
  ['wasm', 1e-4], // float32 on both sides, valid on any x86-64 CPU: see tests/unit/llm/ort-parity.test.ts
  ['webgpu', 2e-2], // WGSL's relaxed exp/division/inverseSqrt on SwiftShader: see tests/e2e/llm.spec.ts
] as const) {
  test(`${device}: adapters X, Y, none, X over one conversation match PyTorch within ${tolerance}`, async ({
    page,
  }) => {
    const result = await page.evaluate((d) => harness.conversation(d), device);
    expect(result.device).toBe(device);
    expect(result.turns.map((t) => t.adapter)).toEqual(['upper-r8', 'herald-r16', null, 'upper-r8']);
    for (const turn of result.turns) {
      expect(turn.maxDiff, `${turn.adapter ?? 'base'}`).toBeLessThan(tolerance);
      expect(turn.sameArgmax).toBe(true);
      // A new adapter never reuses KV values computed under another one.
      expect(turn.prefilled).toBe(turn.promptTokens);
    }
  });
}

test('through the worker on webgpu: adapters load, change the answer per request, and unload', async ({
  page,
}) => {
  const result = await page.evaluate(() => harness.throughWorker('webgpu'));
  expect(result.supportsAdapters).toBe(true);
  expect(result.listed).toEqual(['herald-r16@1', 'upper-r8@1']);
  expect(result.upper).not.toEqual(result.base);
  expect(result.herald).not.toEqual(result.base);
  expect(result.baseAgain).toEqual(result.base);
  expect(result.unloaded).toBe(true);
  expect(result.afterUnload).toBe('ADAPTER_NOT_LOADED');
});
