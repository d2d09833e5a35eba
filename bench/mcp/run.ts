/**
 * `npm run bench:mcp`: MCP tool calls from Chromium to the reference server
 * (@modelcontextprotocol/server-everything, Streamable HTTP, on a loopback port, clean environment),
 * through Hearth's bridge and through a bare SDK client in the same page. One JSON line:
 *
 * - seq_p50_ms, seq_p99_ms: per-call wall time of BENCH_MCP_SEQ (500) sequential `echo` calls through
 *   the bridge (the agent tool: arguments checked, the call, the result checked);
 * - raw_seq_p50_ms: the same calls through `Client.callTool` of the SDK, same page, same server;
 * - conc50_calls_per_s, raw_conc50_calls_per_s: calls per second with 50 calls in flight, over
 *   BENCH_MCP_CONC (1,000) calls, bridge and bare SDK;
 * - connect_ms: median of 5 bridge connections (initialize, initialized, tools, prompts and resources
 *   listed), the SDK chunk already loaded.
 *
 * The sequential calls alternate between the two clients call by call (who goes first alternating
 * too) after a warm-up of 50 each, so a change in machine load falls on both alike; the concurrent
 * runs alternate, 3 rounds each, the best round kept for both. Goal: seq_p50_ms ≤ raw_seq_p50_ms + 1, conc50 ≥ 90% of raw.
 * BENCH_PORT sets the dev server's port.
 */
import { printResult, startBenchBrowser } from '../lib/browser.ts';
import { startEverything } from '../../tests/support/mcp/everything.ts';
import type { McpBenchHarness } from './page.ts';

declare const harness: McpBenchHarness;

const sequentialCalls = Number(process.env.BENCH_MCP_SEQ ?? 500);
const concurrentCalls = Number(process.env.BENCH_MCP_CONC ?? 1_000);
const BLOCK = 50;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

const server = await startEverything();
const bench = await startBenchBrowser(undefined, { watch: false });
try {
  const page = await bench.open('/bench/mcp/page.html');
  await page.evaluate((url) => harness.open(url), server.url);
  await page.evaluate(() => harness.sequential(50, 0)); // warm-up, both clients

  const bridge: number[] = [];
  const raw: number[] = [];
  for (let done = 0; done < sequentialCalls; done += BLOCK) {
    const n = Math.min(BLOCK, sequentialCalls - done);
    const times = await page.evaluate(([n, o]) => harness.sequential(n, o), [n, done] as const);
    bridge.push(...times.bridge);
    raw.push(...times.raw);
  }

  let conc = 0;
  let rawConc = 0;
  for (let round = 0; round < 3; round++) {
    conc = Math.max(conc, await page.evaluate((n) => harness.concurrent('bridge', n, 50), concurrentCalls));
    rawConc = Math.max(
      rawConc,
      await page.evaluate((n) => harness.concurrent('raw', n, 50), concurrentCalls),
    );
  }

  const connects: number[] = [];
  for (let i = 0; i < 5; i++)
    connects.push(await page.evaluate((url) => harness.connectTime(url), server.url));
  await page.evaluate(() => harness.close());

  printResult({
    bench: 'mcp',
    seq_p50_ms: round2(quantile(bridge, 0.5)),
    seq_p99_ms: round2(quantile(bridge, 0.99)),
    raw_seq_p50_ms: round2(quantile(raw, 0.5)),
    conc50_calls_per_s: Math.round(conc),
    raw_conc50_calls_per_s: Math.round(rawConc),
    connect_ms: round2(quantile(connects, 0.5)),
  });
} finally {
  await bench.close();
  await server.stop();
}
