import { browserPssBytes, settledBrowserPssBytes } from '../lib/memory.ts';
import { launchBenchChromium, reportPageErrors } from '../lib/browser.ts';
import { ask, chooseChatModel, engineTargets, greedyShort } from './app-steps.ts';
import { collectGarbageEverywhere } from './collect-garbage.ts';

export interface TabsMemory {
  oneTab: number;
  threeTabs: number;
  ratio: number;
  engines: number;
}

/**
 * Memory of the app in one tab and in three, each tab having answered with `model` (served in hub
 * layout under `modelsBase`): the sum of proportional set size over the browser's processes
 * (bench/lib/memory.ts), in a browser of its own so nothing else is counted, each after a garbage
 * collection in every JavaScript context (collect-garbage.ts).
 */
export async function measureTabsMemory(
  origin: string,
  model: { chatModel: string; mirror: string; device: 'wasm' | 'webgpu' | 'auto' },
): Promise<TabsMemory> {
  const browser = await launchBenchChromium();
  try {
    if (browserPssBytes() === 0)
      throw new Error('This platform gives no PSS (Linux /proc): no memory to measure.');
    const context = await browser.newContext();
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    const open = async () => {
      const tab = await context.newPage();
      reportPageErrors(tab);
      await tab.goto(origin);
      await tab.locator('#message').waitFor();
      return tab;
    };
    const first = await open();
    await chooseChatModel(first, model);
    await first.reload();
    await greedyShort(first, 4);
    await ask(first);
    await collectGarbageEverywhere(browser);
    const oneTab = await settledBrowserPssBytes(9, 500);
    for (let i = 0; i < 2; i++) {
      const tab = await open();
      await greedyShort(tab, 4);
      await ask(tab);
    }
    await collectGarbageEverywhere(browser);
    const threeTabs = await settledBrowserPssBytes(9, 500);
    const engines = (await engineTargets(first)).length;
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    console.error(`[pwa] memory: one tab ${mb(oneTab)}, three tabs ${mb(threeTabs)}, ${engines} engine(s)`);
    return { oneTab, threeTabs, ratio: threeTabs / oneTab, engines };
  } finally {
    await browser.close();
  }
}
