import { expect, test, type Page } from '@playwright/test';
import { devPort, previewPort } from './support/app.ts';

async function expectDevicePanel(page: Page) {
  const panel = page.locator('hearth-device-panel');
  await expect(panel.locator('[data-field="webgpu"]')).toContainText(/swiftshader|google|\//i);
  await expect(panel.locator('[data-field="isolated"]')).toContainText('yes');
  return panel;
}

test('the app page shows the Device panel with a WebGPU adapter and cross-origin isolation', async ({
  page,
}, info) => {
  await page.goto('/#/device');
  await expect(page.locator('hearth-app h1')).toHaveText('Hearth');
  const panel = await expectDevicePanel(page);
  await expect(panel.locator('[data-field="threads"]')).toHaveText(/\d+/);
  await page.screenshot({ path: info.outputPath('device-panel.png'), fullPage: true });
});

test('the production build (vite preview) works the same and sends the isolation headers', async ({
  page,
  request,
}) => {
  for (const port of [devPort, previewPort]) {
    const response = await request.get(`http://127.0.0.1:${port}/`);
    expect(response.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(response.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(response.headers()['cross-origin-resource-policy']).toBe('cross-origin');
  }
  await page.goto(`http://127.0.0.1:${previewPort}/#/device`);
  await expectDevicePanel(page);
});
