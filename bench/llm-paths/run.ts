import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { ModelFiles } from '../../src/core/model-files.ts';
import type { ChatDecoder } from '../../src/engines/llm/onnx-decoder/chat-decoder.ts';
import { DecoderSession } from '../../src/engines/llm/onnx-decoder/decoder-session.ts';
import { readDecoderLayout, type ModelConfig } from '../../src/engines/llm/onnx-decoder/graph-layout.ts';
import { loadDecoder } from '../../src/engines/llm/onnx-decoder/load-decoder.ts';
import { appendOnlyKv } from '../../src/engines/llm/onnx-decoder/rewrites/append-only-kv.ts';
import { lastPositionLogits } from '../../src/engines/llm/onnx-decoder/rewrites/last-position-logits.ts';
import { argmax } from '../../src/engines/llm/sampling/sampler.ts';
import { rewriteGraph } from '../../src/engines/onnx-graph/graph.ts';
import { configureOrt } from '../../src/engines/ort-setup/index.ts';
import { fsModelFiles } from '../../tests/support/fs-model-files.ts';
import { printResult } from '../lib/browser.ts';
import { int8Weights } from './int8-rewrite.ts';
import { runOverhead } from './run-overhead.ts';

/**
 * `npm run bench:llm-paths`: the three ways the issue names to run 4-bit models on the CPU, measured
 * side by side before choosing, with Hearth's fp32 paths as the baseline. Node, onnxruntime-web's WASM
 * build, one thread; each path's prefill (BENCH_PATHS_PROMPT, 128 tokens) and decode (BENCH_PATHS_NEW,
 * 32 tokens) on the SmolLM2-135M-shaped model, interleaved over BENCH_PATHS_ROUNDS (3) rounds, medians;
 * the weights' bytes in memory; on the trained tiny model, the largest logit error against PyTorch
 * (dequantised 4-bit weights, float activations) over the prefill and 20 steps.
 *
 * - ort-fp32: the fp32 model; ort-dequantized: 4-bit weights expanded to fp32 at load (the old
 *   default); ort-nbits: ORT's MatMulNBits;
 * - path A, ort-int8: the 4-bit blocks re-quantised to int8 per column, as DynamicQuantizeMatMul;
 * - path B: what splitting the graph at every projection costs in ORT runs alone (split-graph line);
 * - path C, wasm-q4: Hearth's own decoder, 4-bit weights x 8-bit activations.
 * Then the tiny model's decode on ort-dequantized and wasm-q4: where the threshold of
 * src/engines/llm/wasm-decoder/choose-path.ts comes from (BENCH_PATHS_ONLY=tiny: only that).
 */
const benchRoot = resolve(import.meta.dirname, '../.models');
const smolId = 'hearth-bench/smollm2-shaped';
if (
  process.env.BENCH_PATHS_ONLY !== 'tiny' &&
  !existsSync(resolve(benchRoot, smolId, 'resolve/main/onnx/model_q4.onnx'))
) {
  console.error('No benchmark model. Make it with: npm run fixtures:bench');
  process.exit(1);
}
configureOrt({ threads: 1 });
const rounds = Number(process.env.BENCH_PATHS_ROUNDS ?? 3);
const promptTokens = Number(process.env.BENCH_PATHS_PROMPT ?? 128);
const newTokens = Number(process.env.BENCH_PATHS_NEW ?? 32);
const smol = fsModelFiles(smolId, { root: benchRoot });
const tiny = fsModelFiles('hearth-demo/tiny-llama-chat');
const reference = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../tests/fixtures/reference/tiny-llama-chat.json'), 'utf8'),
) as { prompt: { ids: number[] }; q4: { tokens: number[]; logits: number[][] } };

type Path = 'ort-fp32' | 'ort-dequantized' | 'ort-nbits' | 'ort-int8' | 'wasm-q4';
interface Opened {
  decoder: ChatDecoder;
  weightsBytes: number;
}

/** Path A's session: the int8 rewrite (plus the engine's own last-position and append-only KV rewrites). */
async function openInt8(files: ModelFiles): Promise<Opened> {
  const original = await files.read('onnx/model_q4.onnx');
  const { model } = rewriteGraph(original, [int8Weights, lastPositionLogits('logits'), appendOnlyKv]);
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  const config = JSON.parse(new TextDecoder().decode(await files.read('config.json'))) as ModelConfig;
  const layout = readDecoderLayout(session, config, 'onnx/model_q4.onnx');
  return { decoder: new DecoderSession(session, layout, 'wasm', ort, 'append'), weightsBytes: model.length };
}

async function open(files: ModelFiles, path: Path): Promise<Opened> {
  if (path === 'ort-int8') return openInt8(files);
  const wasmQuantized = { 'ort-dequantized': 'fp32', 'ort-nbits': 'native', 'wasm-q4': 'kernel' } as const;
  const loaded = await loadDecoder(files, {
    device: 'wasm',
    dtype: path === 'ort-fp32' ? 'fp32' : 'q4',
    threads: 1,
    adapters: false,
    contextLength: 1024,
    ...(path === 'ort-fp32' ? {} : { wasmQuantized: wasmQuantized[path] }),
  });
  return { decoder: loaded.decoder, weightsBytes: loaded.weights.residentBytes };
}

async function speed(decoder: ChatDecoder, prompt: number, tokens: number) {
  decoder.cache.reset();
  const ids = Array.from({ length: prompt }, (_, i) => 20 + ((i * 7) % 900));
  let started = performance.now();
  let logits = await decoder.forward(ids);
  const prefill = (prompt / (performance.now() - started)) * 1000;
  started = performance.now();
  for (let i = 0; i < tokens; i++) logits = await decoder.forward([argmax(logits)]);
  return { prefill, decode: (tokens / (performance.now() - started)) * 1000 };
}

/** Largest |logit - PyTorch| over the tiny model's prefill and 20 teacher-forced steps. */
async function fidelity(path: Path): Promise<number> {
  if (path === 'ort-fp32') return Number.NaN; // another reference (fp32 weights): not comparable
  const { decoder } = await open(tiny, path);
  let worst = 0;
  for (let step = 0; step < reference.q4.logits.length; step++) {
    const logits = await decoder.forward(
      step === 0 ? reference.prompt.ids : [reference.q4.tokens[step - 1]!],
    );
    const want = reference.q4.logits[step]!;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(logits[i]! - want[i]!));
  }
  await decoder.release();
  return worst;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round2 = (value: number) => Math.round(value * 100) / 100;

// BENCH_PATHS_ONLY=tiny: only the threshold's measurement on the tiny model (seconds, no bench model needed).
if (process.env.BENCH_PATHS_ONLY !== 'tiny') {
  const paths: Path[] = ['ort-fp32', 'ort-dequantized', 'ort-nbits', 'ort-int8', 'wasm-q4'];
  const opened = new Map<Path, Opened>();
  for (const path of paths) opened.set(path, await open(smol, path));
  const runs = new Map<Path, Array<{ prefill: number; decode: number }>>();
  for (let round = 0; round < rounds; round++) {
    for (const path of paths) {
      // ORT's 4-bit kernel is an order of magnitude slower: a shorter run says as much.
      const slow = path === 'ort-nbits';
      const result = await speed(opened.get(path)!.decoder, slow ? 16 : promptTokens, slow ? 4 : newTokens);
      runs.set(path, [...(runs.get(path) ?? []), result]);
      console.error(
        `[llm-paths] round ${round + 1} ${path}: prefill ${result.prefill.toFixed(1)}, decode ${result.decode.toFixed(1)} tok/s`,
      );
    }
  }
  for (const path of paths) {
    const list = runs.get(path)!;
    printResult({
      bench: 'llm-paths',
      model: 'smollm2-shaped',
      path,
      threads: 1,
      prefill_tok_s: round2(median(list.map((r) => r.prefill))),
      decode_tok_s: round2(median(list.map((r) => r.decode))),
      weights_mb: round2(opened.get(path)!.weightsBytes / 2 ** 20),
      tiny_max_logit_error: round2((await fidelity(path)) * 1e4) / 1e4,
    });
    await opened.get(path)!.decoder.release();
  }

  // Path B: a SmolLM2 decode step cut at its 7 projections a layer leaves 4 ORT pieces a layer (norm;
  // RoPE + attention, with the layer's KV cache; residual + norm; SiLU * up) and the final norm.
  const positions = promptTokens + newTokens;
  const overhead = await runOverhead(ort, 576, { heads: 3, positions, headDim: 64 });
  const runsPerToken = 30 * 4 + 1;
  const overheadMs = (30 * (3 * overhead.addUs + overhead.attentionUs) + overhead.addUs) / 1000;
  printResult({
    bench: 'llm-paths',
    model: 'smollm2-shaped',
    path: 'split-graph',
    add_run_us: round2(overhead.addUs),
    attention_run_us: round2(overhead.attentionUs),
    runs_per_token: runsPerToken,
    overhead_ms_per_token: round2(overheadMs),
    decode_cap_tok_s: round2(1000 / overheadMs),
  });
}

// The threshold: the tiny model (2 layers, hidden 64), where fixed costs per token dominate.
const tinyPaths: Path[] = ['ort-dequantized', 'wasm-q4'];
const tinyOpened = new Map<Path, Opened>();
for (const path of tinyPaths) tinyOpened.set(path, await open(tiny, path));
const tinyRuns = new Map<Path, number[]>();
for (let round = 0; round < rounds; round++) {
  for (const path of tinyPaths) {
    const { decode } = await speed(tinyOpened.get(path)!.decoder, 30, 200);
    tinyRuns.set(path, [...(tinyRuns.get(path) ?? []), decode]);
  }
}
for (const path of tinyPaths) {
  printResult({
    bench: 'llm-paths',
    model: 'tiny-llama-chat',
    path,
    threads: 1,
    decode_tok_s: round2(median(tinyRuns.get(path)!)),
  });
  await tinyOpened.get(path)!.decoder.release();
}
