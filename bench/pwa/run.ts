import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { startAppServer, type AppServer } from '../../tests/e2e/support/app-server.ts';
import { launchBenchChromium } from '../lib/browser.ts';
import { measureOfflineStart } from './offline.ts';
import { measureTabsMemory } from './tabs-memory.ts';

/**
 * `npm run bench:pwa`: the installed app and the engine shared by tabs, on a production build of
 * the app served from loopback, in headless Chromium. One JSON line:
 *
 * - offline_start_ms (goal ≤ 1,000): after one online visit, with the page offline and its host
 *   stopped, a reload to the first usable screen (the `hearth:interactive` mark); median of
 *   BENCH_PWA_ROUNDS starts.
 * - offline_first_token_ms (goal ≤ 3,000): the same reloads, to the first token of an answer painted,
 *   the message sent as soon as the screen is usable; each start runs a new engine that loads the
 *   demo model from the asset store.
 * - component_kb_gzip (goal ≤ 100): the `<hearth-chat>` component's JavaScript fetched before it is
 *   usable, gzipped, without the model runtimes and the lazily loaded chunks — measured by the
 *   component's own module (bench/pwa/component-size.ts).
 * - tabs3_vs_1_memory_ratio (goal ≤ 1.3): the browser's summed PSS with three tabs of the app over one
 *   tab, every tab having answered with the SmolLM2-135M-shaped model (`npm run fixtures:bench`) on
 *   WASM, served by the one shared engine.
 *
 * BENCH_PWA_ROUNDS (3) and BENCH_PORT (the host's port; 0 picks a free one) for shorter runs.
 */
const root = resolve(import.meta.dirname, '../..');
const benchModels = resolve(root, 'bench/.models');
const benchModel = 'hearth-bench/smollm2-shaped';
const rounds = Number(process.env.BENCH_PWA_ROUNDS ?? 3);

if (!existsSync(join(benchModels, benchModel, 'resolve/main/config.json'))) {
  console.error(
    `No benchmark model at ${join(benchModels, benchModel)}. Make it with: npm run fixtures:bench`,
  );
  process.exit(1);
}

const outDir = await mkdtemp(join(tmpdir(), 'hearth-bench-pwa-'));
let browser: Browser | undefined;
let host: AppServer | undefined;
try {
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const mounts = { '/bench-models': benchModels };
  host = await startAppServer(outDir, { mounts, port: Number(process.env.BENCH_PORT ?? 0) });

  const memory = await measureTabsMemory(host.url, {
    chatModel: benchModel,
    mirror: `${host.url}/bench-models/`,
    device: 'wasm',
  });
  if (memory.engines !== 1) throw new Error(`Three tabs ran ${memory.engines} engines, not one.`);

  browser = await launchBenchChromium();
  const offline = await measureOfflineStart(browser, host, rounds);

  // One line, these keys: `null` where the component's measure is not in this tree (see below).
  console.log(
    JSON.stringify({
      bench: 'pwa',
      offline_start_ms: Math.round(offline.startMs),
      offline_first_token_ms: Math.round(offline.firstTokenMs),
      component_kb_gzip: await componentKbGzip({ root, outDir }),
      tabs3_vs_1_memory_ratio: Math.round(memory.ratio * 100) / 100,
    }),
  );
} finally {
  await browser?.close();
  await host?.stop();
  await rm(outDir, { recursive: true, force: true });
}

/**
 * COMPONENT SIZE — measured by the `<hearth-chat>` component's own bench module,
 * bench/pwa/component-size.ts, which lives with the component: its measuring function (named
 * `measureComponentKbGzip`, `componentKbGzip` or `measureComponentSize`, or the module's default
 * export) is called with this run's build, and returns kB gzip. Until that module is in this tree,
 * the key is null and the run says why on stderr.
 */
async function componentKbGzip(build: { root: string; outDir: string }): Promise<number | null> {
  const module = resolve(import.meta.dirname, 'component-size.ts');
  if (!existsSync(module)) {
    console.error(
      '[pwa] component_kb_gzip: bench/pwa/component-size.ts (the <hearth-chat> measure) is not in this tree.',
    );
    return null;
  }
  const exported = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
  const names = ['measureComponentKbGzip', 'componentKbGzip', 'measureComponentSize', 'default'];
  const measure = names.map((name) => exported[name]).find((value) => typeof value === 'function') as
    ((build: { root: string; outDir: string }) => Promise<number> | number) | undefined;
  if (!measure) throw new Error(`bench/pwa/component-size.ts exports none of ${names.join(', ')}.`);
  return Math.round((await measure(build)) * 10) / 10;
}
