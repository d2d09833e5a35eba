import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build, preview, type Plugin } from 'vite';
import { lastAnswer, measureShellCost, streamLongAnswer } from '../../tests/e2e/support/app-measures.ts';
import { launchBenchChromium, printResult, reportPageErrors } from '../lib/browser.ts';
import { textOnlyBias } from '../lib/text-only-bias.ts';
import type { AppBenchEngine, AppBenchHarness, AppBenchSettings, StreamRecord } from './engine-page.ts';
import { median, paintedPerSecond, paintTimes, tokensPerSecond } from './rates.ts';

/**
 * `npm run bench:app`: the assistant app's production build, served by `vite preview`, measured in
 * headless Chromium. One JSON line:
 *
 * - decode_ratio: tokens painted per second in the Chat view (each token's paint is the first change
 *   to the answer's DOM after the view took it, on the main thread; the rate runs from the first token
 *   taken to the last one painted) ÷ tokens received per second by
 *   a page without UI (bench/app/engine.html) reading the same stream: same SmolLM2-135M-shaped
 *   model, same prompt, greedy, the same number of new tokens, the same worker engine from the same
 *   build, WASM with one thread. The median of BENCH_APP_ROUNDS paired runs (app, then the page
 *   without UI, each round), after a warm-up in each page.
 * - longest_task_ms: the longest main-thread task while the fixed long Markdown answer
 *   (tests/fixtures/markdown/long-answer.md: three code blocks of 42–59 lines, a GFM table, nested
 *   lists, ~1,500 token-sized pieces) streams into the Chat view, final full parse and highlighting
 *   included. It is fed as a scripted stream (tests/e2e/pages/app-scripted-engine.ts), one piece every
 *   BENCH_APP_PIECE_MS, not through the model: the bench model's words are not Markdown.
 * - shell_kb_gzip, interactive_ms: on a cold context with service workers blocked, the JavaScript
 *   fetched before the `hearth:interactive` mark (gzipped from the build) and the mark's time after
 *   navigation.
 *
 * Knobs for shorter runs while iterating: BENCH_APP_NEW (new tokens, 128), BENCH_APP_ROUNDS (3),
 * BENCH_APP_DTYPE (fp32 | q4), BENCH_APP_PIECE_MS (10); BENCH_PORT (5250) for the preview server.
 */
const root = resolve(import.meta.dirname, '../..');
const modelsDir = resolve(root, 'bench/.models');
const modelId = 'hearth-bench/smollm2-shaped';
const dtype = process.env.BENCH_APP_DTYPE ?? 'fp32';
const newTokens = Number(process.env.BENCH_APP_NEW ?? 128);
const rounds = Number(process.env.BENCH_APP_ROUNDS ?? 3);
const pieceMs = Number(process.env.BENCH_APP_PIECE_MS ?? 10);
const port = Number(process.env.BENCH_PORT ?? 5250);
const prompt = 'Explain how to keep my notes on this device, with a short code example and a table.';

const modelDir = join(modelsDir, modelId, 'resolve/main');
const weights = join(modelDir, 'onnx', dtype === 'fp32' ? 'model.onnx' : `model_${dtype}.onnx`);
if (!existsSync(weights)) {
  console.error(`No benchmark model at ${weights}. Make it with: npm run fixtures:bench`);
  process.exit(1);
}

const outDir = await mkdtemp(join(tmpdir(), 'hearth-bench-app-'));
let browser: Browser | undefined;
let server: Awaited<ReturnType<typeof preview>> | undefined;
try {
  // One production build holds the app and the page without UI, so both run the same worker file.
  await build({
    root,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: false,
      rollupOptions: {
        input: { index: join(root, 'index.html'), engine: join(root, 'bench/app/engine.html') },
      },
    },
  });
  server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { port, strictPort: true },
    plugins: [serveBenchModels()],
  });
  const origin = `http://127.0.0.1:${port}`;
  browser = await launchBenchChromium();

  const shell = await measureShell(browser, origin);
  const longest = await measureLongAnswer(browser, origin);
  const ratio = await measureDecodeRatio(browser, origin);
  printResult({
    bench: 'app',
    decode_ratio: round(ratio),
    longest_task_ms: Math.round(longest),
    shell_kb_gzip: round(shell.shellKbGzip),
    interactive_ms: Math.round(shell.interactiveMs),
  });
} finally {
  await browser?.close();
  await server?.close();
  await rm(outDir, { recursive: true, force: true });
}

/** What bench/app/engine-page.ts puts in a page; functions sent to the page reach it through this. */
interface BenchPage {
  appBench: AppBenchHarness;
}

/** A fresh context is a cold profile: no HTTP cache, no storage; service workers are blocked. */
async function coldPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  // tsx compiles this script with esbuild's keepNames, which wraps named functions in `__name(…)`:
  // functions sent to the page (page.evaluate) carry that call, so the page gets a no-op of it.
  await context.addInitScript('globalThis.__name = (fn) => fn;');
  const page = await context.newPage();
  reportPageErrors(page);
  page.on('response', (response) => {
    if (response.status() >= 400) console.error(`[app] ${response.status()} for ${response.url()}`);
  });
  await page.goto(url);
  await page.locator('#message').waitFor();
  return page;
}

async function measureShell(browser: Browser, origin: string) {
  const page = await coldPage(browser, `${origin}/`);
  const cost = await measureShellCost(page, outDir);
  console.error(
    `[app] shell: ${cost.scripts.length} scripts before hearth:interactive: ` +
      cost.scripts.map((s) => `${s.path} ${s.gzip} B`).join(', '),
  );
  await page.context().close();
  return cost;
}

async function measureLongAnswer(browser: Browser, origin: string): Promise<number> {
  const page = await coldPage(browser, `${origin}/`);
  const markdown = readFileSync(join(root, 'tests/fixtures/markdown/long-answer.md'), 'utf8');
  const run = await streamLongAnswer(page, markdown, pieceMs);
  // The work measured was really done: the whole answer is rendered and highlighted.
  const body = lastAnswer(page).locator('.markdown');
  const [codeBlocks, highlighted] = await Promise.all([
    body.locator('.code-block').count(),
    body.locator('.code-block .hljs-keyword').count(),
  ]);
  if (codeBlocks !== 3 || highlighted === 0)
    throw new Error(`The long answer rendered ${codeBlocks} code blocks (${highlighted} keywords), not 3.`);
  console.error(
    `[app] long answer: ${run.pieces} pieces every ${pieceMs} ms in ${run.streamedMs} ms; ` +
      `long tasks: [${run.longTasks.map(Math.round).join(', ')}]`,
  );
  await page.context().close();
  return Math.max(0, ...run.longTasks);
}

async function measureDecodeRatio(browser: Browser, origin: string): Promise<number> {
  const engine: AppBenchEngine = { baseUrl: `${origin}/bench-models`, modelId, dtype, threads: 1 };
  const settings: AppBenchSettings = { maxTokens: newTokens, logitBias: textOnlyBias(modelDir) };
  const warmUp: AppBenchSettings = { ...settings, maxTokens: 4 };

  const app = await coldPage(browser, `${origin}/`);
  // The same module the page without UI runs, from the same build, put into the app's page.
  await app.addScriptTag({ type: 'module', url: engineScript() });
  await app.waitForFunction(() => 'appBench' in globalThis);
  const bare = await app.context().newPage();
  reportPageErrors(bare);
  await bare.goto(`${origin}/bench/app/engine.html`);
  await bare.waitForFunction(() => 'appBench' in globalThis);

  for (const page of [app, bare]) {
    const capabilities = await page.evaluate(
      (e) => (globalThis as unknown as BenchPage).appBench.load(e),
      engine,
    );
    if (capabilities.device !== 'wasm' || capabilities.threads !== 1)
      throw new Error(`The engine runs on ${capabilities.device} with ${capabilities.threads} threads.`);
  }
  const ask = async (settingsNow: AppBenchSettings, text: string): Promise<StreamRecord> => {
    await app.evaluate(([e, s]) => (globalThis as unknown as BenchPage).appBench.installInApp(e, s), [
      engine,
      settingsNow,
    ] as const);
    await app.evaluate(() =>
      (
        document.querySelector('hearth-app')?.shadowRoot?.querySelector('hearth-chat-view') as unknown as {
          newChat(): Promise<void>;
        }
      ).newChat(),
    );
    const input = app.locator('#message');
    await input.fill(text);
    await input.press('Enter');
    await lastAnswer(app).locator('[data-testid="answer-stats"]').waitFor({ timeout: 300_000 });
    // Two frames later the final render's changes have all been observed.
    await app.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    return app.evaluate(() => (globalThis as unknown as BenchPage).appBench.takeAppRecord());
  };
  const receive = (settingsNow: AppBenchSettings, messages: StreamRecord['messages']) =>
    bare.evaluate(([e, s, m]) => (globalThis as unknown as BenchPage).appBench.receive(e, s, m), [
      engine,
      settingsNow,
      messages,
    ] as const);

  // Warm-up: the model's first run, the Markdown renderer's first load.
  const warm = await ask(warmUp, 'Warm-up.');
  await receive(warmUp, warm.messages);

  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const inApp = await ask(settings, prompt);
    const bareRun = await receive(settings, inApp.messages);
    if (inApp.arrivals.length !== bareRun.arrivals.length || inApp.text !== bareRun.text)
      throw new Error(
        `The two pages got different streams (${inApp.arrivals.length} and ${bareRun.arrivals.length} chunks).`,
      );
    const painted = paintedPerSecond(inApp.arrivals, paintTimes(inApp.arrivals, inApp.mutations));
    const received = tokensPerSecond(bareRun.arrivals);
    ratios.push(painted / received);
    console.error(
      `[app] round ${round}: ${inApp.arrivals.length} chunks; painted ${painted.toFixed(2)} tok/s in the app ` +
        `(taken by the view ${tokensPerSecond(inApp.arrivals).toFixed(2)}), received ${received.toFixed(2)} tok/s ` +
        `without UI (${dtype}, WASM, 1 thread)`,
    );
  }
  await app.context().close();
  return median(ratios);
}

/** The built script of bench/app/engine.html (its name carries a content hash). */
function engineScript(): string {
  const page = readFileSync(join(outDir, 'bench/app/engine.html'), 'utf8');
  const src = /<script[^>]*type="module"[^>]*src="([^"]+)"/.exec(page)?.[1];
  if (!src) throw new Error('The built engine page has no module script.');
  return src;
}

/** The benchmark models (bench/.models, in the hub's layout) under /bench-models, GET and HEAD. */
function serveBenchModels(): Plugin {
  return {
    name: 'hearth-bench-models',
    configurePreviewServer(previewServer) {
      previewServer.middlewares.use('/bench-models', (req, res, next) => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
        const file = join(modelsDir, path);
        if (!file.startsWith(modelsDir + sep) || !existsSync(file) || !statSync(file).isFile()) return next();
        res.setHeader('Content-Length', statSync(file).size);
        res.setHeader(
          'Content-Type',
          file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
        );
        res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
        if (req.method === 'HEAD') return res.end();
        createReadStream(file).pipe(res);
      });
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
