import { expect, test } from '@playwright/test';
import type { EngineCapabilities } from '../../src/engines/llm/contract.ts';
import { openHarness } from './harness.ts';

// A lost WebGPU device (GPUDevice.destroy() on SwiftShader) with the real ORT chat engine: the
// running answer fails with DEVICE_LOST, the engine moves to WASM, and the next answer works and is
// the answer WASM gives.
declare const harness: {
  lostMidAnswer(): Promise<{
    before: string;
    pieces: number;
    failure: { code?: string; message: string } | null;
    after: EngineCapabilities;
    next: string | null;
    onWasm: string | null;
  }>;
  lostBetweenAnswers(): Promise<{ first: string | null; next: string | null; after: EngineCapabilities }>;
};

test('device lost mid-answer: DEVICE_LOST in words, then the engine answers on WASM', async ({ page }) => {
  await openHarness(page, 'device-lost');
  const result = await page.evaluate(() => harness.lostMidAnswer());
  expect(result.before).toBe('webgpu');
  expect(result.pieces).toBeGreaterThanOrEqual(1);
  expect(result.failure?.code).toBe('DEVICE_LOST');
  expect(result.failure?.message).toMatch(/GPU stopped .* moved to WASM/);
  expect(result.after.device).toBe('wasm');
  expect(result.after.deviceReason).toMatch(/^The WebGPU device was lost/);
  expect(result.next).toBeTruthy();
  // Greedy decoding of the same prompt on the same WASM backend: the same text.
  expect(result.next).toBe(result.onWasm);
});

test('device lost between answers: the next answer runs on WASM without an error', async ({ page }) => {
  await openHarness(page, 'device-lost');
  const result = await page.evaluate(() => harness.lostBetweenAnswers());
  expect(result.first).toBeTruthy();
  expect(result.next).toBeTruthy();
  expect(result.after.device).toBe('wasm');
});
