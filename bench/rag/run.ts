/**
 * RAG benchmark: 100,000 chunks of dimension 384 (random unit vectors, synthetic text) stored in
 * IndexedDB through the RAG worker, then searched; Orama on the same vectors side by side.
 * Prints one JSON line. RAG_BENCH_N, RAG_BENCH_QUERIES and RAG_BENCH_ORAMA_QUERIES shrink it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createServer } from 'vite';
import { printResult } from '../lib/browser.ts';
import { chromiumArgs, chromiumExecutable } from '../../tests/e2e/chromium.ts';
import type { BenchHarness } from './page.ts';

declare const harness: BenchHarness;

const n = Number(process.env.RAG_BENCH_N ?? 100_000);
const dim = 384;
const queries = Number(process.env.RAG_BENCH_QUERIES ?? 200);
const oramaQueries = Number(process.env.RAG_BENCH_ORAMA_QUERIES ?? queries);
const port = Number(process.env.BENCH_PORT ?? 5232);

// No HMR: edits elsewhere in the tree must not reload the page mid-run.
const server = await createServer({ server: { port, strictPort: true, hmr: false }, logLevel: 'warn' });
await server.listen();
// A persistent profile: IndexedDB on disk, as in a real browser (incognito keeps it in memory).
const profile = mkdtempSync(join(tmpdir(), 'hearth-rag-bench-'));
const launch = () =>
  chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable(),
    args: chromiumArgs,
    headless: true,
  });

async function openPage(context: BrowserContext, phase: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && console.error(`[page] ${message.text()}`));
  const query = new URLSearchParams({
    phase,
    db: 'rag-bench',
    n: String(n),
    dim: String(dim),
    queries: String(queries),
  });
  await page.goto(`http://127.0.0.1:${port}/bench/rag/page.html?${query}`);
  await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 600_000 });
  return page;
}

try {
  let context = await launch();
  // Load the page once so Vite's first transform is not part of any timing.
  await (await openPage(context, 'warmup')).close();
  const builder = await openPage(context, 'build');
  const built = await builder.evaluate(() => harness.build());
  await context.close();

  // A freshly started browser: the cold open reads everything back from disk.
  context = await launch();
  await (await openPage(context, 'warmup')).close();
  const page = await openPage(context, 'query');
  const measured = await page.evaluate(() => harness.measure());
  const orama = await page.evaluate((count) => harness.orama(count), oramaQueries);
  const parts = measured.coldOpenParts;
  console.error(
    `cold open: page scripts start ${parts.moduleStartMs.toFixed(0)} ms, worker + store open ${(parts.ragStartedMs - parts.moduleStartMs).toFixed(0)} ms, first search (loads the index) ${(measured.coldOpenMs - parts.ragStartedMs).toFixed(0)} ms`,
  );
  console.error(
    `kernel ${measured.kernel}, ${measured.chunks} chunks held; Orama returned ${orama.returned} hits a query`,
  );
  await context.close();

  const round = (value: number, digits = 2) => Number(value.toFixed(digits));
  printResult({
    bench: 'rag',
    n,
    dim,
    dense_p50_ms: round(measured.denseP50),
    dense_p99_ms: round(measured.denseP99),
    hybrid_p50_ms: round(measured.hybridP50),
    hybrid_p99_ms: round(measured.hybridP99),
    recall_at_10: round(measured.recallAt10, 4),
    orama_dense_p50_ms: round(orama.p50),
    speedup_vs_orama: round(orama.p50 / measured.denseP50, 1),
    ingest_chunks_per_s: Math.round(built.ingestChunksPerS),
    cold_open_ms: Math.round(measured.coldOpenMs),
    vector_bytes: measured.vectorBytes,
  });
} finally {
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
