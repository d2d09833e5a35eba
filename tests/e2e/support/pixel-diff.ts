import type { Browser } from '@playwright/test';

export interface PixelDiff {
  width: number;
  height: number;
  /** Pixels whose colour differs in any channel. */
  differing: number;
  ratio: number;
  /** Where they are: `x,y` of the first 10,000. */
  where: Array<[number, number]>;
}

/**
 * Compares two PNG screenshots pixel by pixel, in a blank page of the browser that took them (its
 * own PNG decoder; no image library needed). Images of different sizes differ everywhere.
 */
export async function pixelDiff(browser: Browser, a: Buffer, b: Buffer): Promise<PixelDiff> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      async ([first, second]) => {
        // No named inner functions: tsx (the benches) would wrap them in a helper the page lacks.
        const [x, y] = (await Promise.all(
          [first, second].map(async (base64) => {
            const bitmap = await createImageBitmap(
              await (await fetch(`data:image/png;base64,${base64}`)).blob(),
            );
            const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
            const context = canvas.getContext('2d')!;
            context.drawImage(bitmap, 0, 0);
            return context.getImageData(0, 0, bitmap.width, bitmap.height);
          }),
        )) as [ImageData, ImageData];
        const width = Math.max(x.width, y.width);
        const height = Math.max(x.height, y.height);
        if (x.width !== y.width || x.height !== y.height)
          return { width, height, differing: width * height, ratio: 1, where: [] };
        let differing = 0;
        const where: Array<[number, number]> = [];
        for (let i = 0; i < x.data.length; i += 4) {
          if (
            x.data[i] !== y.data[i] ||
            x.data[i + 1] !== y.data[i + 1] ||
            x.data[i + 2] !== y.data[i + 2] ||
            x.data[i + 3] !== y.data[i + 3]
          ) {
            differing += 1;
            if (where.length < 10_000) where.push([(i / 4) % width, Math.floor(i / 4 / width)]);
          }
        }
        return { width, height, differing, ratio: differing / (width * height), where };
      },
      [a.toString('base64'), b.toString('base64')] as const,
    );
  } finally {
    await page.close();
  }
}
