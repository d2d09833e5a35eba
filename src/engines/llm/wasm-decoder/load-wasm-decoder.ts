import { moduleName, PROJECTIONS, type LoraTarget } from '../../lora/index.ts';
import { Executor, type PoolWorker } from './executor.ts';
import { WasmHeap } from './heap.ts';
import { instantiateKernels, kernelModule, simdSupport, type SimdFlavour } from './kernels/instance.ts';
import { PagedKvCache } from './kv-pages.ts';
import { LlamaForward } from './llama-forward.ts';
import { readLlamaGraph, type LlamaConfigJson, type LlamaGraph } from './llama-graph.ts';
import { placeWeights } from './llama-weights.ts';
import { WasmDecoderSession } from './wasm-decoder-session.ts';

export interface WasmDecoderRequest {
  model: Uint8Array;
  /** External data files by the name the graph gives them (`model_q4.onnx_data`). */
  externalData: ReadonlyMap<string, Uint8Array>;
  config: LlamaConfigJson;
  threads: number;
  /** Positions the KV cache must hold (the engine's context length). */
  contextLength: number;
  /** Starts one helper thread (workers/wasm-decoder-pool.worker.ts); without it the decoder runs one thread. */
  spawnThread?: () => PoolWorker;
  /** Forces a SIMD build (tests compare them); default relaxed where the engine has it. */
  simd?: SimdFlavour;
}

/** What the engine reports about the decoder: how it runs and what it costs in memory. */
export interface WasmDecoderReport {
  simd: SimdFlavour;
  threads: number;
  /** Why this many threads (fewer than asked when the page cannot share memory or no pool was given). */
  threadsReason: string;
  /** Heap bytes of the weights, and the bytes of the file's initializers. */
  residentBytes: number;
  fileWeightBytes: number;
  /** The most memory the load held at once: the files' bytes plus the heap. */
  peakLoadBytes: number;
  /** KV cache bytes per cached position. */
  kvBytesPerPosition: number;
}

export interface LoadedWasmDecoder {
  session: WasmDecoderSession;
  targets: LoraTarget[];
  report: WasmDecoderReport;
}

const PAGE = 65536;

/** Reads the graph (throws NotALlamaGraph when it is not one this decoder runs); nothing is allocated yet. */
export function readWasmDecoderGraph(
  request: Pick<WasmDecoderRequest, 'model' | 'externalData' | 'config'>,
): LlamaGraph {
  return readLlamaGraph(request.model, request.externalData, request.config);
}

/**
 * Places the weights in a fresh WebAssembly memory (shared when it runs more than one thread), and
 * opens the decoder. The caller may drop the files' bytes once this returns: nothing refers to them.
 */
export async function loadWasmDecoder(
  request: WasmDecoderRequest,
  graph?: LlamaGraph,
): Promise<LoadedWasmDecoder> {
  const read = graph ?? readWasmDecoderGraph(request);
  const support = simdSupport();
  const simd: SimdFlavour = request.simd ?? (support.relaxed ? 'relaxed' : 'plain');
  let threads = Math.max(1, Math.floor(request.threads));
  let threadsReason = threads === 1 ? 'one thread asked for' : `${threads} threads`;
  if (threads > 1 && !request.spawnThread) {
    threads = 1;
    threadsReason = 'no worker pool in this context: one thread';
  }
  const fileBytes =
    request.model.length + [...request.externalData.values()].reduce((s, d) => s + d.length, 0);
  const { shape } = read;
  const kvBytesPerPosition = shape.layers * 2 * shape.kvHeads * shape.headDim * 4;
  // Room for the weights, a full context of KV pages, scratch and adapters; the memory grows only as far as used.
  const ceiling = Math.min(
    65536,
    Math.ceil((fileBytes * 1.3 + kvBytesPerPosition * (request.contextLength + 64) + 512 * 2 ** 20) / PAGE),
  );
  let memory: WebAssembly.Memory | undefined;
  if (threads > 1) {
    try {
      memory = new WebAssembly.Memory({ initial: 1, maximum: ceiling, shared: true });
    } catch {
      threads = 1;
      threadsReason = 'shared WebAssembly memory is not available (no cross-origin isolation): one thread';
    }
  }
  memory ??= new WebAssembly.Memory({ initial: 1, maximum: ceiling });
  const heap = new WasmHeap(memory);
  const module = kernelModule(simd, threads > 1);
  const kernels = instantiateKernels(module, memory);
  const weights = placeWeights(read, heap);
  const executor =
    threads > 1
      ? await Executor.pool(kernels, heap, module, threads, request.spawnThread!)
      : Executor.single(kernels, heap);
  const cache = new PagedKvCache(heap, shape.layers, shape.kvHeads, shape.headDim, request.contextLength);
  const forward = new LlamaForward(heap, kernels, executor, weights, cache);
  const session = new WasmDecoderSession(forward, heap, executor);
  const targets: LoraTarget[] = [];
  read.layers.forEach((layer, index) => {
    for (const projection of PROJECTIONS) {
      const { k, n } = layer.projections[projection];
      targets.push({
        module: moduleName(index, projection),
        layer: index,
        projection,
        inFeatures: k,
        outFeatures: n,
        inputA: `lora.${projection}.A`,
        inputB: `lora.${projection}.B`,
      });
    }
  });
  targets.sort((a, b) => a.layer - b.layer || a.module.localeCompare(b.module));
  return {
    session,
    targets,
    report: {
      simd,
      threads,
      threadsReason,
      residentBytes: weights.residentBytes,
      fileWeightBytes: weights.fileWeightBytes,
      peakLoadBytes: fileBytes + heap.peak,
      kvBytesPerPosition,
    },
  };
}
