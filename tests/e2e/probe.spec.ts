import { expect, test } from '@playwright/test';
import type { DeviceReport } from '../../src/engines/device/report.ts';
import { openHarness } from './harness.ts';

declare const harness: {
  probe(): Promise<DeviceReport>;
  computeCheck(values: number[]): Promise<number[]>;
  countWithAbort(at: number): Promise<{ seen: number[]; error: { code?: string; message: string } | null }>;
  failWith(code: string, message: string): Promise<{ code?: string; message: string; name: string } | null>;
  pageIsolated: boolean;
};

test.beforeEach(async ({ page }) => openHarness(page, 'probe'));

test('inside a worker, WebGPU gives an adapter and the page is cross-origin isolated', async ({ page }) => {
  const report = await page.evaluate(() => harness.probe());
  expect(report.crossOriginIsolated).toBe(true);
  expect(await page.evaluate(() => harness.pageIsolated)).toBe(true);
  expect(report.webgpu.available).toBe(true);
  if (!report.webgpu.available) return;
  expect(report.webgpu.architecture.length + report.webgpu.vendor.length).toBeGreaterThan(0);
  expect(report.webgpu.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  expect(report.webgpu.limits.maxBufferSize).toBeGreaterThan(0);
  expect(report.hardwareConcurrency).toBeGreaterThan(0);
  expect(report.storage.quota).toBeGreaterThan(0);
  expect(typeof report.storage.persisted).toBe('boolean');
});

test('a compute shader in the worker returns x*x + 1 for every element', async ({ page }) => {
  const input = Array.from({ length: 1000 }, (_, i) => (i - 500) / 7);
  const output = await page.evaluate((values) => harness.computeCheck(values), input);
  expect(output).toHaveLength(input.length);
  // f32 on the GPU, from the f32-rounded input (the page sends a Float32Array; comparing with the float64 input
  // would add 2·2⁻²⁴·x² that no bound below covers for |x| > 3). Two roundings, x·x and +1, give at most
  // 2⁻²⁴·x² + 2⁻²⁴·(x² + 1) ≤ 1.2e-7·|expected|, inside the bound; an FMA leaves one rounding and only tightens it.
  output.forEach((value, i) => {
    const x = Math.fround(input[i]!);
    const expected = x * x + 1;
    expect(Math.abs(value - expected)).toBeLessThanOrEqual(2e-7 * Math.abs(expected) + 1e-7);
  });
});

test('an AbortSignal stops a stream inside the worker', async ({ page }) => {
  const result = await page.evaluate(() => harness.countWithAbort(4));
  expect(result.seen).toEqual([1, 2, 3, 4]);
  expect(result.error).toEqual({ code: 'ABORTED', message: 'Cancelled: stop pressed' });
});

test('an error thrown in the worker keeps its code and message', async ({ page }) => {
  const error = await page.evaluate(() =>
    harness.failWith('MODEL_FILE_MISSING', 'Download the model first.'),
  );
  expect(error).toEqual({
    code: 'MODEL_FILE_MISSING',
    message: 'Download the model first.',
    name: 'HearthError',
  });
});
