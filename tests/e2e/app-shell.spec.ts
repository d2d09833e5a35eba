import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { measureShellCost } from './support/app-measures.ts';
import { app } from './support/app.ts';

// A fast shell: on a cold profile, the JavaScript fetched before `hearth:interactive` (the mark the
// Chat view sets when the message box is usable) is at most 150 kB gzip, and the mark comes at most
// 1,000 ms after navigation started.

test('the app is interactive within 1,000 ms, after at most 150 kB gzip of JavaScript', async ({ page }) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  const { interactiveMs, scripts, shellKbGzip } = await measureShellCost(page, 'dist');
  console.log(
    JSON.stringify({
      shell_kb_gzip: Number(shellKbGzip.toFixed(1)),
      interactive_ms: Math.round(interactiveMs),
      scripts,
    }),
  );
  // Nothing heavy is in it: the renderer and the engine load later.
  expect(scripts.some(({ path }) => /ort|onnx|worker|marked|highlight|purify|render/i.test(path))).toBe(
    false,
  );
  expect(shellKbGzip).toBeLessThanOrEqual(150);
  expect(interactiveMs).toBeLessThanOrEqual(1000);

  // Nor the Agents view or the SDKs it reaches remote tools with: each is known by a string only its
  // own code holds, found in the build (so the check cannot pass by finding nothing), and no chunk
  // holding it is among the scripts fetched before the mark.
  const chunks = readdirSync('dist/assets').filter((name) => name.endsWith('.js'));
  const fetched = new Set(scripts.map(({ path }) => path));
  const lazy = {
    'the Agents view': /customElements\.define\([`"']hearth-agents-view/,
    'the MCP SDK': /notifications\/initialized/,
    'the A2A SDK': /SendStreamingMessage/,
  };
  for (const [what, marker] of Object.entries(lazy)) {
    const holders = chunks.filter((name) => marker.test(readFileSync(join('dist/assets', name), 'utf8')));
    expect(holders.length, `${what} is in the build`).toBeGreaterThan(0);
    expect(
      holders.filter((name) => fetched.has(`/assets/${name}`)),
      `${what} loads later`,
    ).toEqual([]);
  }
});

// At 360 px the links do not all fit: the navigation scrolls sideways, and a shade at the edge with
// more links beyond it says so; the shade follows the scroll (it leaves the edge that is reached).
test('at 360 px the navigation scrolls and shows a shade where more links are', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(app);
  const nav = page.locator('nav[aria-label="Views"]');
  await expect(nav).toBeVisible();
  const layout = await nav.evaluate((element) => {
    const style = getComputedStyle(element);
    return {
      overflows: element.scrollWidth > element.clientWidth,
      attachments: style.backgroundAttachment.split(',').map((s) => s.trim()),
      images: style.backgroundImage,
    };
  });
  expect(layout.overflows).toBe(true);
  // Covers that scroll with the links over shades fixed to the box: the cue needs no script.
  expect(layout.attachments).toEqual(['local', 'local', 'scroll', 'scroll']);
  expect(layout.images.match(/radial-gradient/g)).toHaveLength(2);
  // The pixels agree: the right edge is shaded before scrolling and not once the end is reached.
  const edge = async () => {
    const box = (await nav.boundingBox())!;
    const shot = await page.screenshot({
      clip: { x: box.x + box.width - 3, y: box.y + box.height / 2, width: 1, height: 1 },
    });
    return shot.toString('base64');
  };
  const before = await edge();
  await nav.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
  const after = await edge();
  expect(after).not.toEqual(before);
});
