import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { startAppServer, type AppServer } from '../../tests/e2e/support/app-server.ts';
import { launchBenchChromium } from '../lib/browser.ts';
import { measureComponentSize } from './component-size.ts';
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
 *   component's own module (bench/pwa/component-size.ts) on this run's library build.
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
  // The library beside the app, where `npm run build` puts it (`<app>/lib/`, left out of the precache).
  const libDir = join(outDir, 'lib');
  await build({
    root,
    configFile: join(root, 'vite.lib.config.ts'),
    logLevel: 'error',
    build: { outDir: libDir, emptyOutDir: true, sourcemap: false },
  });
  const mounts = { '/bench-models': benchModels };
  host = await startAppServer(outDir, { mounts, port: Number(process.env.BENCH_PORT ?? 0), cors: true });

  const memory = await measureTabsMemory(host.url, {
    chatModel: benchModel,
    mirror: `${host.url}/bench-models/`,
    device: 'wasm',
  });
  if (memory.engines !== 1) throw new Error(`Three tabs ran ${memory.engines} engines, not one.`);

  browser = await launchBenchChromium();
  const componentKb = await componentKbGzip(browser, `${host.url}/lib/`, libDir);
  // Last: it stops the host.
  const offline = await measureOfflineStart(browser, host, rounds);

  console.log(
    JSON.stringify({
      bench: 'pwa',
      offline_start_ms: Math.round(offline.startMs),
      offline_first_token_ms: Math.round(offline.firstTokenMs),
      component_kb_gzip: componentKb,
      tabs3_vs_1_memory_ratio: Math.round(memory.ratio * 100) / 100,
    }),
  );
} finally {
  await browser?.close();
  await host?.stop();
  await rm(outDir, { recursive: true, force: true });
}

/**
 * The `<hearth-chat>` component's size, measured by its own module (bench/pwa/component-size.ts, which
 * its test holds to 100 kB): this run's library build, served by the same host with CORS, embedded in a
 * page of another origin.
 */
async function componentKbGzip(browser: Browser, libBase: string, libDir: string): Promise<number> {
  const size = await measureComponentSize({ browser, libBase, libDir });
  return size.kbGzip;
}
