/**
 * The agent runtime in Chromium (bench model: SmolLM2-135M shapes, q4, WASM, one thread). Prints one line:
 * {"bench":"agent","step_overhead_ms","tool_turn_ttft_ms","cold_ttft_ms","ttft_ratio","min_cached_share",
 *  "second_agent_extra_mb","adapter_mb","kv_mb"}. Needs `npm run fixtures:bench`. See src/agent/README.md.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { Usage } from '../../src/engines/llm/contract.ts';
import { printResult, startBenchBrowser } from '../lib/browser.ts';
import { settledBrowserPssBytes } from '../lib/memory.ts';

const STEP_TURNS = Number(process.env.BENCH_AGENT_STEPS ?? 100);
const TOOL_TURNS = Number(process.env.BENCH_AGENT_TOOL_TURNS ?? 5);
/** About 1,000 tokens of conversation (the bench tokenizer spends ~2.8 characters a token on this text). */
const CONVERSATION_CHARS = Number(process.env.BENCH_AGENT_CONVERSATION_CHARS ?? 2_800);
const MB = 1024 * 1024;

if (!existsSync(resolve(import.meta.dirname, '../.models/hearth-bench/smollm2-shaped'))) {
  throw new Error('The bench model is missing: run `npm run fixtures:bench` first.');
}

type Harness = {
  stepOverhead(turns: number, tool?: 'noop' | 'once'): Promise<{ gaps: number[] }>;
  toolLoop(options: {
    toolTurns: number;
    conversationChars: number;
    adapter?: string;
    tag: string;
  }): Promise<{
    status: string;
    usages: Usage[];
    toolCalls: number;
  }>;
  coldReplay(): Promise<Usage>;
  loadAdapter(ref: string, seed: number): Promise<{ bytes: number }>;
  close(): void;
  isolated: boolean;
};
// Page-side: each evaluate reads the page's `harness` (the function is sent as text, without closures).
declare const harness: Harness;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const bench = await startBenchBrowser(Number(process.env.BENCH_PORT ?? 5243), { watch: false });
try {
  const page = await bench.open('/bench/agent/index.html');

  // 1. The runtime's own time per turn (scripted model, real IndexedDB writes).
  const at = (page: Page) => ({
    stepOverhead: (turns: number, tool: 'noop' | 'once' = 'noop') =>
      page.evaluate(([n, t]) => harness.stepOverhead(n, t), [turns, tool] as const),
    toolLoop: (options: Parameters<Harness['toolLoop']>[0]) =>
      page.evaluate((o) => harness.toolLoop(o), options),
    coldReplay: () => page.evaluate(() => harness.coldReplay()),
    loadAdapter: (ref: string, seed: number) =>
      page.evaluate(([r, s]) => harness.loadAdapter(r, s), [ref, seed] as const),
    close: () => page.evaluate(() => harness.close()),
  });
  const h = at(page);
  await h.stepOverhead(10); // warm-up: code paths compiled, database created
  const { gaps } = await h.stepOverhead(STEP_TURNS);
  const stepOverheadMs = median(gaps);
  const { gaps: onceGaps } = await h.stepOverhead(STEP_TURNS, 'once');

  // 2. A tool loop on the bench model: cached prefix per turn, time to first token after a result.
  const loop = await h.toolLoop({ toolTurns: TOOL_TURNS, conversationChars: CONVERSATION_CHARS, tag: 'a' });
  if (loop.toolCalls !== TOOL_TURNS)
    throw new Error(`expected ${TOOL_TURNS} tool calls, got ${loop.toolCalls}`);
  const turns = loop.usages;
  // Turn n+1's prompt holds turn n's prompt and output: all of it but the last sampled token (never
  // fed to the model) can come from the cache; the rest is new (the tool result, the turn's framing).
  const shares = turns.slice(1).map((u, i) => {
    const previous = turns[i]!;
    const reusable = previous.prompt_tokens + previous.completion_tokens - 1;
    return u.cached_prompt_tokens / reusable;
  });
  const toolTurnTtft = median(turns.slice(1).map((u) => u.timings.ttft_ms));
  const lastWarm = turns.at(-1)!;
  const cold = await h.coldReplay();
  // The same text: the warm prompt keeps the model's own tokens for its earlier turns (see
  // encodeAfterCached), the cold one is tokenized afresh, so the counts may differ a little.
  if (
    Math.abs(cold.prompt_tokens - lastWarm.prompt_tokens) > lastWarm.prompt_tokens * 0.05 ||
    cold.cached_prompt_tokens > 8
  )
    throw new Error(`the cold replay is not a cold prefill of the same prompt (${JSON.stringify(cold)})`);

  // 3. A second agent with its own r=16 adapter on the same base: memory before and after. A single
  // reading swings by about 200 MB with garbage not yet collected (page and worker heaps): measured
  // here, two base-only loops read 2,082.6 and 1,898.4 MB. So each side is the lower of the readings
  // after two loops: the base model with one agent's conversation, then the second agent's.
  const base = await h.toolLoop({ toolTurns: TOOL_TURNS, conversationChars: CONVERSATION_CHARS, tag: 'a2' });
  if (base.toolCalls !== TOOL_TURNS) throw new Error('the second base loop did not run its tools');
  const before = Math.min(
    await settledBrowserPssBytes(),
    await (async () => {
      await h.toolLoop({ toolTurns: TOOL_TURNS, conversationChars: CONVERSATION_CHARS, tag: 'a3' });
      return settledBrowserPssBytes();
    })(),
  );
  const adapter = await h.loadAdapter('second-agent@1', 7);
  const afterAdapter = await settledBrowserPssBytes();
  const second = await h.toolLoop({
    toolTurns: TOOL_TURNS,
    conversationChars: CONVERSATION_CHARS,
    adapter: 'second-agent@1',
    tag: 'b',
  });
  const afterFirst = await settledBrowserPssBytes();
  await h.toolLoop({
    toolTurns: TOOL_TURNS,
    conversationChars: CONVERSATION_CHARS,
    adapter: 'second-agent@1',
    tag: 'b2',
  });
  const after = Math.min(afterFirst, await settledBrowserPssBytes());
  // The KV cache of the second agent's longest prompt: layers × (K, V) × KV heads × head dim × positions × 4 bytes.
  const positions = Math.max(...second.usages.map((u) => u.prompt_tokens + u.completion_tokens));
  const kvBytes = 30 * 2 * 3 * 64 * positions * 4;

  printResult({
    bench: 'agent',
    step_overhead_ms: Number(stepOverheadMs.toFixed(3)),
    tool_turn_ttft_ms: Number(toolTurnTtft.toFixed(1)),
    cold_ttft_ms: Number(cold.timings.ttft_ms.toFixed(1)),
    ttft_ratio: Number((lastWarm.timings.ttft_ms / cold.timings.ttft_ms).toFixed(4)),
    min_cached_share: Number(Math.min(...shares).toFixed(4)),
    second_agent_extra_mb: Number(((after - before) / MB).toFixed(1)),
    adapter_mb: Number((adapter.bytes / MB).toFixed(1)),
    kv_mb: Number((kvBytes / MB).toFixed(1)),
  });
  console.error(
    `steps: ${STEP_TURNS} scripted turns, median ${stepOverheadMs.toFixed(3)} ms (p90 ${[...gaps].sort((a, b) => a - b)[Math.floor(gaps.length * 0.9)]!.toFixed(3)} ms); ` +
      `loop: prompts ${turns.map((u) => u.prompt_tokens).join(', ')} tokens, cached ${turns.map((u) => u.cached_prompt_tokens).join(', ')}, ` +
      `ttft ${turns.map((u) => u.timings.ttft_ms.toFixed(0)).join(', ')} ms, shares ${shares.map((s) => s.toFixed(4)).join(', ')}; ` +
      `cold replay of the last prompt (${cold.prompt_tokens} tokens) ${cold.timings.ttft_ms.toFixed(0)} ms; ` +
      `a non-idempotent tool's turn (two writes): median ${median(onceGaps).toFixed(3)} ms; ` +
      `memory ${(before / MB).toFixed(1)} → ${(afterAdapter / MB).toFixed(1)} MB after loading the adapter → ${(after / MB).toFixed(1)} MB after its loop; second agent's KV at ${positions} positions; ` +
      `second loop cached ${second.usages.map((u) => u.cached_prompt_tokens).join(', ')}`,
  );
  await h.close();
} finally {
  await bench.close();
}
