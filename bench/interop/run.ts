import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { setTracingDisabled } from '@openai/agents-core';
import { build, type Manifest } from 'vite';
import { printResult, startBenchBrowser } from '../lib/browser.ts';
import { runnerBench, type RunnerBench } from './runner-page.ts';

/**
 * `npm run bench:interop`: what building on OpenAI Agents JS (@openai/agents-core) or the AI SDK
 * costs a Hearth app in the browser (docs/agents-core-spike.md). JSON lines:
 *
 * - `interop-chunk` (per library): a production build of an app that already runs Hearth's runtime
 *   (bench/interop/chunk) and imports the library with its Hearth adapter only when asked; the
 *   JavaScript that lazy import adds (its chunk and the chunks only it needs), raw and gzipped.
 * - `interop-runner` (per run length in BENCH_INTEROP_TURNS, default 10 and 100 tool turns):
 *   agents-core's own time per turn in Chromium (HearthModel over a chat source that answers at
 *   once, a tool that returns at once; the median of BENCH_INTEROP_ROUNDS runs), the part of it
 *   spent in the model call (HearthModel's mapping and the scripted answer), the same with the
 *   RunState serialised after every tool result (what keeping a run's state each turn costs before
 *   any storage write), and the RunState the run leaves: its size and the time to serialise it
 *   (`toString`) and read it back (`fromString`); and the size of a state paused for approval.
 * - `interop-runner-cpu` (per run length): the same runs in this Node process, in CPU time (user +
 *   system, `process.cpuUsage`) per turn, which other processes on a busy machine do not inflate as
 *   they do the browser's wall-clock times; with and without the state kept after every tool result.
 * - `interop-traces`: BENCH_INTEROP_PAIRS pairs of concurrent runs, each with its own trace id; the
 *   spans of each kind, and how many of them ended up in the other run's trace; once with
 *   HearthModel's generation spans (opened under the runner's turn) and once with model spans opened
 *   under the current span, as agents-core's public span API does.
 *
 * BENCH_PORT (default 5222) is the dev server's port.
 */
const root = resolve(import.meta.dirname, '../..');
const turnCounts = (process.env.BENCH_INTEROP_TURNS ?? '10,100').split(',').map(Number);
const rounds = Number(process.env.BENCH_INTEROP_ROUNDS ?? 5);
const pairs = Number(process.env.BENCH_INTEROP_PAIRS ?? 20);
const port = Number(process.env.BENCH_PORT ?? 5222);

const kb = (bytes: number) => Math.round(bytes / 100) / 10;

// BENCH_INTEROP_ONLY=chunks|cpu|browser runs one part (all by default).
const only = process.env.BENCH_INTEROP_ONLY;
if (!only || only === 'chunks') await measureChunks();
if (!only || only === 'cpu') await measureRunnerCpu();
if (!only || only === 'browser') await measureRunner();

async function measureChunks() {
  const outDir = await mkdtemp(join(tmpdir(), 'hearth-bench-interop-'));
  try {
    await build({
      root: join(root, 'bench/interop/chunk'),
      configFile: false,
      logLevel: 'warn',
      publicDir: false,
      worker: { format: 'es' },
      build: { outDir, emptyOutDir: true, target: 'es2022', manifest: true, sourcemap: false },
    });
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Manifest;
    const loaded = (key: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(key)) return seen;
      seen.add(key);
      for (const next of manifest[key]!.imports ?? []) loaded(next, seen);
      return seen;
    };
    // What the page has before any lazy import: the entry and everything it imports statically.
    const shell = loaded('index.html');
    for (const [library, entry] of [
      ['agents-core', 'agents-core.ts'],
      ['ai-sdk', 'ai-sdk.ts'],
    ] as const) {
      const added = [...loaded(entry)].filter((key) => !shell.has(key)).map((key) => manifest[key]!.file);
      const bytes = added.map((file) => readFileSync(join(outDir, file)));
      printResult({
        bench: 'interop-chunk',
        library,
        files: added.length,
        raw_kb: kb(bytes.reduce((sum, b) => sum + b.length, 0)),
        gzip_kb: kb(bytes.reduce((sum, b) => sum + gzipSync(b).length, 0)),
      });
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

async function measureRunnerCpu() {
  setTracingDisabled(true); // as in a browser, where agents-core starts with tracing off
  const cpuMs = async (work: () => Promise<unknown>) => {
    const start = process.cpuUsage();
    await work();
    const { user, system } = process.cpuUsage(start);
    return (user + system) / 1000;
  };
  await runnerBench.turnCost(10); // warm-up
  await runnerBench.durableTurnCost(10);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const turns of turnCounts) {
    const plain: number[] = [];
    const durable: number[] = [];
    for (let round = 0; round < rounds; round++) {
      plain.push((await cpuMs(() => runnerBench.turnCost(turns))) / (turns + 1));
      durable.push((await cpuMs(() => runnerBench.durableTurnCost(turns))) / (turns + 1));
    }
    printResult({
      bench: 'interop-runner-cpu',
      turns,
      turn_cpu_ms: Math.round(median(plain) * 100) / 100,
      turn_cpu_ms_saving_state: Math.round(median(durable) * 100) / 100,
    });
  }
}

async function measureRunner() {
  const bench = await startBenchBrowser(port, { watch: false });
  try {
    const page = await bench.open('/bench/interop/runner.html');
    const call = <K extends keyof RunnerBench>(name: K, ...args: Parameters<RunnerBench[K]>) =>
      page.evaluate(
        ([n, a]) => {
          const method = (globalThis as unknown as { harness: RunnerBench }).harness[n] as (
            ...x: unknown[]
          ) => unknown;
          return method(...a) as Promise<Awaited<ReturnType<RunnerBench[K]>>>;
        },
        [name, args as unknown[]] as const,
      );
    await call('turnCost', 10); // warm-up: modules compiled, zod schemas built
    await call('durableTurnCost', 10);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const paused = await call('pausedState');
    for (const turns of turnCounts) {
      const runs = [];
      const durable = [];
      for (let round = 0; round < rounds; round++) {
        runs.push(await call('turnCost', turns));
        durable.push(await call('durableTurnCost', turns));
      }
      printResult({
        bench: 'interop-runner',
        turns,
        turn_ms: Math.round(median(runs.map((r) => r.turnMs)) * 100) / 100,
        model_call_ms: Math.round(median(runs.map((r) => r.modelMs)) * 100) / 100,
        turn_ms_saving_state: Math.round(median(durable.map((r) => r.turnMs)) * 100) / 100,
        state_kb: kb(runs[0]!.stateBytes),
        serialize_ms: Math.round(median(runs.map((r) => r.serializeMs)) * 10) / 10,
        restore_ms: Math.round(median(runs.map((r) => r.restoreMs)) * 10) / 10,
        paused_state_kb: kb(paused.stateBytes),
      });
    }
    for (const modelSpans of ['turn-parent', 'current-span'] as const) {
      const traces = await call('concurrentTraces', pairs, modelSpans);
      printResult({
        bench: 'interop-traces',
        model_spans: modelSpans,
        pairs,
        agent_spans: traces.agent,
        agent_in_other_trace: traces.agentInOtherTrace,
        generation_spans: traces.generation,
        generation_in_other_trace: traces.generationInOtherTrace,
        custom_spans: traces.custom,
        custom_in_other_trace: traces.customInOtherTrace,
      });
    }
  } finally {
    await bench.close();
  }
}
