import type * as webllm from '@mlc-ai/web-llm';
import { HearthError, throwIfAborted, toHearthError } from '../../../core/errors.ts';
import type { LoadOptions } from '../contract.ts';
import { requestAdapter } from '../../device/webgpu.ts';
import { WebLlmChatEngine, type WebLlmEngineLike } from './webllm-chat-engine.ts';

export interface WebLlmLoadOptions extends LoadOptions {
  /** A custom model list (mirror, own builds); defaults to web-llm's prebuilt one. */
  appConfig?: webllm.AppConfig;
  /** For tests: how the engine is made. Defaults to web-llm's `CreateMLCEngine`. */
  createEngine?: (modelId: string, config: webllm.MLCEngineConfig) => Promise<WebLlmEngineLike>;
  /** Models web-llm parses tool calls for; defaults to its own `functionCallingModelIds`. */
  toolModelIds?: readonly string[];
  /** For tests: the GPU features present. Defaults to asking WebGPU. */
  gpuFeatures?: () => Promise<ReadonlySet<string> | null>;
}

async function adapterFeatures(): Promise<ReadonlySet<string> | null> {
  const found = await requestAdapter();
  return found.adapter ? new Set(found.adapter.features) : null;
}

/**
 * Loads an MLC prebuilt model through web-llm. It runs on WebGPU only, and f16 builds need
 * shader-f16: both are checked first, so the user gets a clear error instead of a shader failure.
 */
export async function loadWebLlmChatEngine(
  modelId: string,
  options: WebLlmLoadOptions = {},
): Promise<WebLlmChatEngine> {
  if (options.device === 'wasm') {
    throw new HearthError('UNSUPPORTED', 'web-llm models run on WebGPU only. Pick an ONNX model for WASM.');
  }
  const lib =
    options.createEngine && options.appConfig && options.toolModelIds
      ? undefined
      : await import('@mlc-ai/web-llm');
  const appConfig = options.appConfig ?? lib!.prebuiltAppConfig;
  const record = appConfig.model_list.find((entry) => entry.model_id === modelId);
  if (!record) {
    throw new HearthError(
      'MODEL_NOT_FOUND',
      `web-llm has no model "${modelId}". Use an id from its prebuilt list.`,
    );
  }
  const features = await (options.gpuFeatures ?? adapterFeatures)();
  if (!features) {
    throw new HearthError(
      'WEBGPU_UNAVAILABLE',
      'web-llm needs WebGPU, which this browser does not offer. Use an ONNX model.',
    );
  }
  const missing = (record.required_features ?? []).filter((feature) => !features.has(feature));
  if (missing.length > 0) {
    throw new HearthError(
      'WEBGPU_UNAVAILABLE',
      `${modelId} needs the WebGPU feature(s) ${missing.join(', ')}, which this GPU lacks. Pick a q4f32 build.`,
    );
  }
  throwIfAborted(options.signal);
  const create = options.createEngine ?? ((id, config) => lib!.CreateMLCEngine(id, config));
  let engine: WebLlmEngineLike;
  try {
    engine = await create(modelId, {
      appConfig,
      initProgressCallback: (report) =>
        options.onProgress?.({ phase: 'load', file: report.text, loaded: report.progress, total: 1 }),
    });
  } catch (error) {
    throw toHearthError(error, 'MODEL_LOAD_FAILED');
  }
  const needsF16 = record.required_features?.includes('shader-f16') ?? false;
  return new WebLlmChatEngine(engine, {
    deviceReason: `web-llm runs on WebGPU only${needsF16 ? ', with shader-f16' : ''}.`,
    modelId,
    dtype: /q\d+f\d+/.exec(modelId)?.[0] ?? 'mlc',
    contextLength: record.overrides?.context_window_size ?? 4096,
    supportsTools: (options.toolModelIds ?? lib!.functionCallingModelIds).includes(modelId),
    supportsGrammar: true,
  });
}
