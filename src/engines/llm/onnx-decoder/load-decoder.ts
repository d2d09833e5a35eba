import { isHearthError, throwIfAborted } from '../../../core/errors.ts';
import { readModelJson, type ModelFiles } from '../../../core/model-files.ts';
import type { LongOperationOptions } from '../../../core/progress.ts';
import { rewriteForLora, zeroAdapterFeeds, type LoraTarget } from '../../lora/index.ts';
import { configureOrt, type OrtEnvReport } from '../../ort-setup/index.ts';
import { DecoderSession } from './decoder-session.ts';
import { readDecoderLayout, type ModelConfig } from './graph-layout.ts';
import { dequantizeNBits } from './rewrites/dequantize-nbits.ts';
import { rewriteGraph, type GraphTransform } from '../../onnx-graph/graph.ts';
import { lastPositionLogits } from './rewrites/last-position-logits.ts';
import { appendOnlyKv } from './rewrites/append-only-kv.ts';
import { cpuLoraTensors } from './lora-tensors.ts';
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
   * 4-bit weights on WASM: 'fp32' dequantises them at load (several times faster decode, fp32-sized
   * weights in memory), 'native' runs ORT's MatMulNBits. Default 'fp32'; WebGPU always runs native.
   */
  wasmQuantized?: 'fp32' | 'native';
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
  decoder: DecoderSession;
  config: ModelConfig;
  device: DecoderDeviceChoice;
  variant: ChosenVariant;
  env: OrtEnvReport;
  /** How 4-bit weights run here, when the weights are 4-bit. */
  quantized?: string;
  /** The projections that take adapters (empty when adapters are off or the graph has none). */
  loraTargets: LoraTarget[];
  kvCache: 'append' | 'fed-back';
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

  const rewrite = rewriteModel(model, {
    dequantize:
      device.device === 'wasm' &&
      variant.dtype.startsWith('q4') &&
      (options.wasmQuantized ?? 'fp32') === 'fp32',
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
        `model ${mb(rewrite.bytesBefore)} -> ${mb(model.length)} in memory), as ORT's 4-bit WASM kernel decodes several times slower`
      : `4-bit weights run as MatMulNBits on ${device.device}`;

  progress('session', 1, variant.file);
  // The first call in a realm wins (ORT reads its WASM settings once): a worker may have set them already.
  const env = configureOrt(options.threads === undefined ? {} : { threads: options.threads });
  const label = `${files.modelId}@${files.revision} ${variant.file}`;
  const request = { model, device: device.device, ...(externalData ? { externalData } : {}) };
  const module = device.device === 'wasm' && options.wasmBuild ? await options.wasmBuild(env.threads) : ort;
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
    env,
    ...(quantized ? { quantized } : {}),
    loraTargets: lora.targets,
    kvCache,
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
