import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { formatBytes } from '../../src/core/format-bytes.ts';
import demoPins from '../../src/models/demo-pins.json' with { type: 'json' };
import { startModelServer, type ModelServer } from './support/model-server.ts';
import { expectNoSeriousViolations } from './support/axe.ts';
import { app, lastAnswer, openSettings, send } from './support/app.ts';

// The Models view of the assistant app on the production build (vite preview), with the real
// models worker writing OPFS. A local server in the hub's layout serves the bundled tiny embedder's
// files; the view's mirror setting points at it, so every byte of the download comes from there.
const repo = 'hearth-demo/tiny-embed';
const graph = 'onnx/model.onnx';
const files = demoPins[repo].files;
const modelBytes = files.reduce((sum, file) => sum + file.size, 0);
let server: ModelServer;

test.beforeAll(async () => {
  server = await startModelServer();
  for (const file of files) {
    server.addFile(repo, 'main', file.path, readFileSync(`public/models/${repo}/resolve/main/${file.path}`));
  }
});
test.afterAll(() => server.close());

const view = (page: Page) => page.locator('hearth-models-view');
const card = (page: Page) => view(page).locator(`[data-testid="model"][data-model="${repo}"]`);
const progressOf = (locator: Locator) =>
  locator.evaluate((element) => (element as HTMLProgressElement).value);
const usedBytes = async (page: Page) =>
  Number(await view(page).locator('[data-testid="storage-used"]').getAttribute('data-bytes'));

test('models: download from a mirror with progress, pause, resume, stored size, delete; a corrupt file explained; the device choice kept', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${app}#/models`);
  await expect(view(page).locator('h2')).toHaveText('Models');

  // The catalog with sizes; nothing stored on a fresh profile.
  await expect(card(page)).toHaveAttribute('data-stored', 'none');
  await expect(card(page)).toContainText(formatBytes(modelBytes));
  await expect(card(page).locator('[data-testid="stored-status"]')).toHaveText('Not stored');
  await expect(view(page).locator('[data-testid="auto-reason"]')).toHaveText(
    /Auto picks (WebGPU|WASM) here: \w/,
  );

  // The mirror setting, by keyboard.
  await view(page).locator('#mirror').fill(server.url);
  await view(page).locator('#mirror').press('Enter');
  await expect(view(page).locator('[data-testid="mirror-status"]')).toContainText(
    `Downloads come from ${server.url}`,
  );

  // A slow download (8 kB every 40 ms), paused part way: the bytes stop, the progress stays.
  server.configure(repo, 'main', graph, { chunkBytes: 8192, chunkDelayMs: 40 });
  const before = await usedBytes(page);
  await card(page).locator('[data-action="download"]').click();
  const overall = card(page).locator('[data-testid="overall-progress"]');
  await expect.poll(() => progressOf(overall)).toBeGreaterThan(0.1);
  await card(page).locator('[data-action="pause"]').click();
  await expect(card(page).locator('[data-testid="download"]')).toHaveAttribute('data-state', 'paused');
  await expect(card(page).locator('[data-testid="file-progress"]')).toHaveCount(files.length);
  await expect(card(page)).toHaveAttribute('data-stored', 'partial');
  await expect(card(page).locator('[data-testid="stored-status"]')).toHaveText(/^Partly stored: /);
  const paused = await progressOf(overall);
  expect(paused).toBeLessThan(1);
  await page.screenshot({ path: 'docs/screenshots/models.png' });
  const servedAtPause = server.bytesServed(graph);
  await page.waitForTimeout(400);
  expect(await progressOf(overall)).toBe(paused);
  expect(server.bytesServed(graph)).toBe(servedAtPause);

  // Resume continues from the stored prefix (a Range request) and finishes.
  await card(page).locator('[data-action="resume"]').click();
  await expect(card(page)).toHaveAttribute('data-stored', 'stored', { timeout: 30_000 });
  await expect(card(page).locator('[data-testid="stored-status"]')).toHaveText(
    `Stored: ${formatBytes(modelBytes)}`,
  );
  expect(server.requests({ path: graph, method: 'GET' }).some((r) => r.status === 206)).toBe(true);
  await expect(view(page).locator('[data-testid="models-bytes"]')).toHaveAttribute(
    'data-bytes',
    String(modelBytes),
  );
  const after = await usedBytes(page);
  expect(after - before).toBeGreaterThanOrEqual(modelBytes);

  // Delete: nothing stored, and the site's storage drops by the model's size.
  await card(page).locator('[data-action="delete"]').click();
  await expect(card(page)).toHaveAttribute('data-stored', 'none');
  await expect(view(page).locator('[data-testid="models-bytes"]')).toHaveAttribute('data-bytes', '0');
  expect(after - (await usedBytes(page))).toBeGreaterThanOrEqual(modelBytes);

  // The mirror serves a damaged graph: the download stops with the reason and what to do.
  server.configure(repo, 'main', graph, { corrupt: true });
  await card(page).locator('[data-action="download"]').click();
  const alert = card(page).locator('[data-testid="model-error"]');
  await expect(alert).toHaveAttribute('data-code', 'MODEL_FILE_CORRUPT', { timeout: 30_000 });
  await expect(alert).toContainText('damaged');
  await expect(alert).toContainText('Download again');
  await card(page).locator('[data-action="cancel"]').click();
  await expect(card(page)).toHaveAttribute('data-stored', 'none');

  // The device choice survives a reload; WebGPU on a browser without it is explained.
  await view(page).getByLabel('WASM').check();
  await page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'gpu', { configurable: true, get: () => undefined }),
  );
  await page.reload();
  await expect(view(page).getByLabel('WASM')).toBeChecked();
  await expect(view(page).locator('#mirror')).toHaveValue(server.url);
  await view(page).getByLabel('WebGPU').check();
  await expect(
    view(page).locator('[data-testid="model-error"][data-code="WEBGPU_UNAVAILABLE"]'),
  ).toContainText('Choose WASM or Auto');
  await view(page).getByLabel('Auto').check();
  await expect(view(page).locator('[data-testid="model-error"]')).toHaveCount(0);

  // Accessibility in both themes and at 360 px, where nothing is wider than the window.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoSeriousViolations(page);
  }
  await page.setViewportSize({ width: 360, height: 780 });
  await expectNoSeriousViolations(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect(errors).toEqual([]);
});

test('the chat loads its model from the mirror and on the device chosen in the Models view', async ({
  page,
}) => {
  const chatRepo = 'hearth-demo/tiny-llama-chat';
  for (const file of demoPins[chatRepo].files) {
    server.addFile(
      chatRepo,
      'main',
      file.path,
      readFileSync(`public/models/${chatRepo}/resolve/main/${file.path}`),
    );
  }
  server.resetCounts();
  await page.goto(`${app}#/models`);
  await view(page).locator('#mirror').fill(server.url);
  await view(page).locator('[data-action="save-mirror"]').click();
  await view(page).getByLabel('WASM').check();
  await page.getByRole('link', { name: 'Chat' }).click();
  await expect(page.locator('#message')).toBeEditable();
  await openSettings(page, { max_tokens: '4' });
  await send(page, 'Hello');
  const answer = lastAnswer(page);
  await expect(answer.locator('[data-stat="device"]')).toHaveText('WASM', { timeout: 60_000 });
  await expect(answer.locator('[data-stat="model"]')).toHaveText(chatRepo);
  // The chat engine fetched the model's files from the mirror, not from the app's /models.
  const fromMirror = server.requests({ method: 'GET' }).map((r) => r.path);
  expect(fromMirror).toContain(`/${chatRepo}/resolve/main/config.json`);
  expect(fromMirror.some((path) => path.startsWith(`/${chatRepo}/resolve/main/onnx/model`))).toBe(true);
});
