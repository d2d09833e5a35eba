import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';

// A fast shell: on a cold profile, the JavaScript fetched before `hearth:interactive` (the mark the
// Chat view sets when the message box is usable) is at most 150 kB gzip. The preview server does
// not compress, so each script is gzipped here from dist/, as a production host would serve it.
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;

test('the JavaScript fetched before the app is interactive is at most 150 kB gzip', async ({ page }) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  const { interactiveMs, scripts } = await page.evaluate(() => {
    const mark = performance.getEntriesByName('hearth:interactive')[0];
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    return {
      interactiveMs: mark?.startTime ?? NaN,
      scripts: resources
        .filter((r) => /\.m?js$/.test(new URL(r.name).pathname) && r.startTime <= (mark?.startTime ?? 0))
        .map((r) => new URL(r.name).pathname),
    };
  });
  expect(Number.isFinite(interactiveMs)).toBe(true);
  const sizes = scripts.map((path) => ({ path, gzip: gzipSync(readFileSync(`dist${path}`)).length }));
  const totalKb = sizes.reduce((sum, s) => sum + s.gzip, 0) / 1000;
  console.log(
    JSON.stringify({
      shell_kb_gzip: Number(totalKb.toFixed(1)),
      interactive_ms: Math.round(interactiveMs),
      scripts: sizes,
    }),
  );
  // Nothing heavy is in it: the renderer and the engine load later.
  expect(scripts.some((path) => /ort|onnx|worker|marked|highlight|purify|render/i.test(path))).toBe(false);
  expect(totalKb).toBeLessThanOrEqual(150);
});
