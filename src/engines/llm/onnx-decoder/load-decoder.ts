import { HearthError, isHearthError, throwIfAborted } from '../../../core/errors.ts';
import { readModelJson, type ModelFiles } from '../../../core/model-files.ts';
import type { LongOperationOptions } from '../../../core/progress.ts';
import {
  rewriteForLora,
  zeroAdapterFeeds,
  type LoraTarget,
  type LoraTensorFactory,
} from '../../lora/index.ts';
import type { WeightsReport } from '../contract.ts';
import type { PoolWorker } from '../wasm-decoder/executor.ts';
import { chooseQuantizedPath } from '../wasm-decoder/choose-path.ts';
import { NotALlamaGraph, type LlamaConfigJson, type LlamaGraph } from '../wasm-decoder/llama-graph.ts';
import { loadWasmDecoder, readWasmDecoderGraph } from '../wasm-decoder/load-wasm-decoder.ts';
import type { ChatDecoder } from './chat-decoder.ts';
import { configureOrt, type OrtEnvReport } from '../../ort-setup/index.ts';
import { DecoderSession } from './decoder-session.ts';
import { readDecoderLayout, type ModelConfig } from './graph-layout.ts';
import { dequantizeNBits } from './rewrites/dequantize-nbits.ts';
import { rewriteGraph, type GraphTransform } from '../../onnx-graph/graph.ts';
import { lastPositionLogits } from './rewrites/last-position-logits.ts';
import { appendOnlyKv } from './rewrites/append-only-kv.ts';
import { cpuLoraTensors, loraTensorFactory } from './lora-tensors.ts';
import { chooseVariant, needsShaderF16, type ChosenVariant } from './model-variants.ts';
import {
  chooseDecoderDevice,
  createDecoderSession,
  createWasmSession,
  ort,
  type DecoderDeviceChoice,
  type DevicePreference,
  type OrtModule,
} from './decoder-runtime.ts';

export interface DecoderLoadOptions extends LongOperationOptions {
  device?: DevicePreference;
  dtype?: string;
  /** WASM threads (needs cross-origin isolation for more than one). */
  threads?: number;
  /**
   * 4-bit weights on WASM. 'kernel': Hearth's own WASM decoder for Llama-family graphs keeps them 4-bit
   * and multiplies them by 8-bit activations with SIMD kernels (fails with UNSUPPORTED for a graph it
   * cannot run); 'fp32': dequantised to fp32 MatMuls at load for onnxruntime-web (fp32-sized weights in
   * memory); 'native': ORT's MatMulNBits (which decodes several times slower). 'auto' (the default):
   * 'kernel' where it runs the graph and the model is large enough to gain from it (choose-path.ts),
   * else 'fp32'. WebGPU always runs MatMulNBits.
   */
  wasmQuantized?: 'auto' | 'kernel' | 'fp32' | 'native';
  /** Starts one more thread of Hearth's WASM decoder (browsers: workers/wasm-decoder-thread.worker.ts). */
  wasmDecoderThread?: () => PoolWorker;
  /** Positions the KV cache must hold (the WASM decoder sizes its page tables by it). Default 2048. */
  contextLength?: number;
  /**
   * Compute logits for the last position only (a Slice before the LM head): faster prefill, less
   * copying. Costs one copy of the graph bytes at load. Default true.
   */
  lastLogitsOnly?: boolean;
  /**
   * In browsers: loads the WASM-only onnxruntime-web build (configured: threads, .wasm path) for
   * device 'wasm'. Without it the default build runs WASM too (as in Node).
   */
  wasmBuild?: (threads: number) => Promise<OrtModule>;
  /**
   * Rewrite every q/k/v/o/gate/up/down projection at load so LoRA adapters can be applied per request
   * without a new session (zero inputs give exactly the base output). Default true.
   */
  adapters?: boolean;
  /**
   * How the KV cache travels between runs. 'auto' (default): on WASM the graph is rewritten to take
   * the cache from growable buffers and return only the new positions (see appendOnlyKv), which
   * saves copying the whole cache out of ORT every token; on WebGPU the outputs stay on the GPU and
   * are fed back. 'fed-back' feeds the `present.*` outputs back everywhere.
   */
  kvCache?: 'auto' | 'fed-back';
}

export interface LoadedDecoder {
  decoder: ChatDecoder;
  config: ModelConfig;
  device: DecoderDeviceChoice;
  variant: ChosenVariant;
  env: OrtEnvReport;
  /** How 4-bit weights run here, when the weights are 4-bit. */
  quantized?: string;
  /** Which path runs the weights and what they cost in memory. */
  weights: WeightsReport;
  /** WASM threads the decoder runs, and why that many. */
  threads: { count: number; reason: string };
  /** The projections that take adapters (empty when adapters are off or the graph has none). */
  loraTargets: LoraTarget[];
  /** Where adapter tensors live for this decoder (GPU buffers, ORT CPU tensors, or the WASM decoder's heap). */
  loraFactory(): Promise<LoraTensorFactory<unknown>>;
  kvCache: 'append' | 'fed-back' | 'paged';
}

/**
 * Picks device and weights, reads the graph (and its external data, if any) and opens the session;
 * the decoder layout comes from the graph itself, checked against config.json.
 */
export async function loadDecoder(
  files: ModelFiles,
  options: DecoderLoadOptions = {},
): Promise<LoadedDecoder> {
  const steps = 3;
  const progress = (phase: string, loaded: number, file?: string) =>
    options.onProgress?.({ phase, loaded, total: steps, ...(file ? { file } : {}) });
  const config = await readModelJson<ModelConfig>(files, 'config.json');
  const explicitF16 = options.dtype !== undefined && needsShaderF16(options.dtype);
  const device = await chooseDecoderDevice(options.device ?? 'auto', explicitF16);
  const variant = await chooseVariant(files, options.dtype, device.device, device.shaderF16);
  throwIfAborted(options.signal);

  progress('weights', 0, variant.file);
  const read = options.signal ? { signal: options.signal } : undefined;
  let model = await files.read(variant.file, read);
  const externalPath = `${variant.file}_data`;
  const externalData = (await files.has(externalPath))
    ? [{ path: externalPath.split('/').pop()!, data: await files.read(externalPath, read) }]
    : undefined;
  throwIfAborted(options.signal);
  let quantizedReason = '';

  const env = () =>
    // The first call in a realm wins (ORT reads its WASM settings once): a worker may have set them already.
    configureOrt(options.threads === undefined ? {} : { threads: options.threads });
  const fileBytes = model.length + (externalData?.reduce((sum, file) => sum + file.data.length, 0) ?? 0);
  const quantizedOnWasm = device.device === 'wasm' && variant.dtype.startsWith('q4');
  if (quantizedOnWasm) {
    const mode = options.wasmQuantized ?? 'auto';
    const chosen =
      mode === 'kernel' || mode === 'auto' ? readForWasmDecoder(model, externalData, config) : null;
    const path = chooseQuantizedPath(mode, chosen);
    if (path.path === 'kernel') {
      progress('session', 1, variant.file);
      const wasm = await openWasmDecoder(model, externalData, config, chosen!.graph!, env(), options);
      progress('ready', steps);
      return { ...wasm, config, device, variant, env: env(), quantized: `${wasm.quantized}; ${path.reason}` };
    }
    if (mode === 'kernel') {
      throw new HearthError(
        'UNSUPPORTED',
        `${files.modelId} cannot run on Hearth's WASM decoder: ${path.reason}. Load it with wasmQuantized: "fp32".`,
      );
    }
    quantizedReason = path.reason;
  }

  const rewrite = rewriteModel(model, {
    dequantize: quantizedOnWasm && (options.wasmQuantized ?? 'auto') !== 'native',
    lastLogitsOnly: options.lastLogitsOnly ?? true,
    appendOnlyKv: device.device === 'wasm' && (options.kvCache ?? 'auto') === 'auto',
  });
  model = rewrite.model;
  const kvCache = rewrite.appendOnlyKv ? 'append' : 'fed-back';
  const lora = options.adapters === false ? { model, targets: [] } : prepareForAdapters(model);
  model = lora.model;
  const quantized = !variant.dtype.startsWith('q4')
    ? undefined
    : rewrite.dequantized > 0
      ? `4-bit weights dequantised to fp32 at load for WASM (${rewrite.dequantized} MatMulNBits -> MatMul; ` +
        `model ${mb(rewrite.bytesBefore)} -> ${mb(model.length)} in memory)${quantizedReason ? `: ${quantizedReason}` : ''}`
      : `4-bit weights run as MatMulNBits on ${device.device}`;
  const weights: WeightsReport = {
    path: !variant.dtype.startsWith('q4') ? 'ort' : rewrite.dequantized > 0 ? 'ort-dequantized' : 'ort-nbits',
    // What onnxruntime-web is handed (it keeps a copy in its own heap): the rewritten graph and any external data.
    residentBytes: fileBytes - rewrite.bytesBefore + model.length,
    fileBytes,
  };

  progress('session', 1, variant.file);
  const ortEnv = env();
  const label = `${files.modelId}@${files.revision} ${variant.file}`;
  const request = { model, device: device.device, ...(externalData ? { externalData } : {}) };
  const module =
    device.device === 'wasm' && options.wasmBuild ? await options.wasmBuild(ortEnv.threads) : ort;
  const session =
    module === ort
      ? await createDecoderSession(request, label)
      : await createWasmSession(module, request, label);
  let layout;
  try {
    layout = readDecoderLayout(session, config, variant.file);
  } catch (error) {
    await session.release();
    throw error;
  }
  progress('ready', steps);
  const decoder = new DecoderSession(session, layout, device.device, module, kvCache);
  // Until an engine chooses an adapter per request, the LoRA inputs hold zeros: the base model exactly.
  decoder.extraFeeds = Object.fromEntries(
    zeroAdapterFeeds(lora.targets, cpuLoraTensors(module, device.device === 'wasm' ? 0 : 1)),
  );
  return {
    decoder,
    config,
    device,
    variant,
    env: ortEnv,
    ...(quantized ? { quantized } : {}),
    weights,
    threads: { count: ortEnv.threads, reason: ortEnv.reason },
    loraTargets: lora.targets,
    loraFactory: () => loraTensorFactory(module, device.device) as Promise<LoraTensorFactory<unknown>>,
    kvCache,
  };
}

/** The graph as Hearth's WASM decoder reads it, or why it cannot run it. */
function readForWasmDecoder(
  model: Uint8Array,
  externalData: Array<{ path: string; data: Uint8Array }> | undefined,
  config: ModelConfig,
): { graph: LlamaGraph | null; reason: string } {
  try {
    const graph = readWasmDecoderGraph({
      model,
      externalData: new Map((externalData ?? []).map((file) => [file.path, file.data])),
      config: config as LlamaConfigJson,
    });
    return { graph, reason: '' };
  } catch (error) {
    if (error instanceof NotALlamaGraph) return { graph: null, reason: error.message };
    throw error;
  }
}

async function openWasmDecoder(
  model: Uint8Array,
  externalData: Array<{ path: string; data: Uint8Array }> | undefined,
  config: ModelConfig,
  graph: LlamaGraph,
  env: OrtEnvReport,
  options: DecoderLoadOptions,
): Promise<
  Pick<
    LoadedDecoder,
    'decoder' | 'quantized' | 'weights' | 'loraTargets' | 'loraFactory' | 'kvCache' | 'threads'
  >
> {
  const loaded = await loadWasmDecoder(
    {
      model,
      externalData: new Map((externalData ?? []).map((file) => [file.path, file.data])),
      config: config as LlamaConfigJson,
      threads: env.threads,
      contextLength: options.contextLength ?? 2048,
      ...(options.wasmDecoderThread ? { spawnThread: options.wasmDecoderThread } : {}),
    },
    graph,
  );
  const { report } = loaded;
  const ratio = (report.residentBytes / report.fileWeightBytes).toFixed(2);
  return {
    decoder: loaded.session,
    quantized:
      `4-bit weights run on Hearth's WASM decoder (4-bit x 8-bit ${report.simd} SIMD kernels, ` +
      `${report.threads} thread${report.threads === 1 ? '' : 's'}: ${report.threadsReason}): ` +
      `${mb(report.residentBytes)} in memory, ${ratio}x the file's ${mb(report.fileWeightBytes)} of weights`,
    weights: {
      path: 'wasm-q4',
      simd: report.simd,
      residentBytes: report.residentBytes,
      fileBytes: report.fileWeightBytes,
      peakLoadBytes: report.peakLoadBytes,
      kvBytesPerPosition: report.kvBytesPerPosition,
    },
    loraTargets: options.adapters === false ? [] : loaded.targets,
    loraFactory: () => Promise.resolve(loaded.session.loraFactory() as LoraTensorFactory<unknown>),
    kvCache: 'paged',
    threads: { count: report.threads, reason: report.threadsReason },
  };
}

/** Adds the LoRA inputs; a graph without recognisable projections simply serves no adapters. */
function prepareForAdapters(model: Uint8Array): { model: Uint8Array; targets: LoraTarget[] } {
  try {
    return rewriteForLora(model);
  } catch (error) {
    if (isHearthError(error, 'LORA_REWRITE_FAILED')) return { model, targets: [] };
    throw error;
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MiB`;
}

/** The load-time graph rewrites, in one pass over the model bytes. */
function rewriteModel(
  model: Uint8Array,
  wanted: { dequantize: boolean; lastLogitsOnly: boolean; appendOnlyKv: boolean },
): { model: Uint8Array; dequantized: number; appendOnlyKv: boolean; bytesBefore: number } {
  const transforms: Array<[keyof typeof wanted, GraphTransform]> = [];
  if (wanted.dequantize) transforms.push(['dequantize', dequantizeNBits]);
  if (wanted.lastLogitsOnly) transforms.push(['lastLogitsOnly', lastPositionLogits('logits')]);
  if (wanted.appendOnlyKv) transforms.push(['appendOnlyKv', appendOnlyKv]);
  const unchanged = { model, dequantized: 0, appendOnlyKv: false, bytesBefore: model.length };
  if (transforms.length === 0) return unchanged;
  let result;
  try {
    result = rewriteGraph(
      model,
      transforms.map(([, transform]) => transform),
    );
  } catch {
    // Not a graph we can walk: ORT will say what is wrong with it when it loads the bytes as they are.
    return unchanged;
  }
  const count = (key: keyof typeof wanted) => {
    const at = transforms.findIndex(([name]) => name === key);
    return at < 0 ? 0 : result.counts[at]!;
  };
  return {
    model: result.model,
    dequantized: count('dequantize'),
    appendOnlyKv: count('appendOnlyKv') > 0,
    bytesBefore: model.length,
  };
}
