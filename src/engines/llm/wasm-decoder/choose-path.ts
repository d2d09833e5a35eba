import type { LlamaGraph } from './llama-graph.ts';
import { simdSupport } from './kernels/instance.ts';

/**
 * Below this many weights (parameters) the 'auto' choice would keep dequantising 4-bit models to fp32
 * for onnxruntime-web, where fp32 weights are small enough to stay in cache. Measured with
 * `npm run bench:llm-paths` (one thread, medians of 3 interleaved rounds): even the smallest model
 * Hearth has, the 2-layer, hidden-64 demo model (0.14M parameters, its embedding and LM head in fp32),
 * decodes 3.2x faster on the WASM decoder (4,102 tok/s against 1,271 dequantised in ORT, whose fixed
 * cost per run dominates there; `BENCH_PATHS_ONLY=tiny`), and the SmolLM2-135M-shaped model 2.8x
 * (15.4 against 5.4 fp32): no size was found where the fp32 path wins, so the threshold is 0 and
 * 'fp32' stays available by asking for it.
 */
export const WASM_DECODER_MIN_PARAMETERS = 0;

export interface QuantizedPath {
  path: 'kernel' | 'fp32' | 'native';
  /** Why, in words for `capabilities().deviceReason`. */
  reason: string;
}

/** Parameters of the 4-bit products and the embedding: what decode reads per token. */
export function parameterCount(graph: LlamaGraph): number {
  let total = graph.embedding.n * graph.embedding.k;
  if (graph.lmHead !== 'tied') total += graph.lmHead.n * graph.lmHead.k;
  for (const layer of graph.layers) for (const m of Object.values(layer.projections)) total += m.n * m.k;
  return total;
}

/** Which path runs a 4-bit model on WASM, for the load option and what the graph allows. */
export function chooseQuantizedPath(
  mode: 'auto' | 'kernel' | 'fp32' | 'native',
  read: { graph: LlamaGraph | null; reason: string } | null,
): QuantizedPath {
  if (mode === 'fp32') return { path: 'fp32', reason: 'wasmQuantized: "fp32" was asked for' };
  if (mode === 'native') return { path: 'native', reason: 'wasmQuantized: "native" was asked for' };
  if (!simdSupport().simd)
    return { path: 'fp32', reason: 'this engine has no WebAssembly SIMD, which the WASM decoder needs' };
  if (!read?.graph)
    return { path: 'fp32', reason: `the WASM decoder cannot run this graph: ${read?.reason ?? ''}` };
  if (mode === 'kernel') return { path: 'kernel', reason: 'wasmQuantized: "kernel" was asked for' };
  const parameters = parameterCount(read.graph);
  if (parameters < WASM_DECODER_MIN_PARAMETERS) {
    return {
      path: 'fp32',
      reason: `at ${(parameters / 1e6).toFixed(1)}M parameters (under ${WASM_DECODER_MIN_PARAMETERS / 1e6}M) fp32 in onnxruntime-web decodes faster here`,
    };
  }
  return {
    path: 'kernel',
    reason: `auto: ${(parameters / 1e6).toFixed(1)}M parameters, at or over the ${WASM_DECODER_MIN_PARAMETERS / 1e6}M where the 4-bit kernels decode faster than fp32`,
  };
}
