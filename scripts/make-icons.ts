import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { launchBenchChromium } from '../bench/lib/browser.ts';

/**
 * Renders the app's icons (public/icons/*.svg) to the PNG sizes the web app manifest lists, with
 * Chromium: `npx tsx scripts/make-icons.ts`. The PNGs are committed; run this after editing an SVG.
 */
const icons = resolve(import.meta.dirname, '../public/icons');
const renders = [
  { svg: 'icon.svg', png: 'icon-192.png', size: 192 },
  { svg: 'icon.svg', png: 'icon-512.png', size: 512 },
  { svg: 'maskable.svg', png: 'maskable-512.png', size: 512 },
  { svg: 'icon.svg', png: 'apple-touch-icon.png', size: 180 },
];

const browser = await launchBenchChromium();
try {
  for (const { svg, png, size } of renders) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const markup = readFileSync(resolve(icons, svg), 'utf8').replace(
      '<svg ',
      `<svg width="${size}" height="${size}" `,
    );
    await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${markup}`);
    await page.screenshot({ path: resolve(icons, png), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
