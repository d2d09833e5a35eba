import { HearthError } from '../../../core/errors.ts';
import { requestAdapter } from '../../device/webgpu.ts';
import {
  chooseDevice as chooseSharedDevice,
  createSession as createSharedSession,
  ort,
} from '../../ort-setup/index.ts';
import type { DevicePreference, ExecutionDevice } from '../../ort-setup/index.ts';

export type OrtDevice = ExecutionDevice;
export type { DevicePreference };

export interface DecoderDeviceChoice {
  device: OrtDevice;
  reason: string;
  shaderF16: boolean;
}

/**
 * The shared device choice (src/engines/ort), plus what decoders add: fp16 weights need the
 * shader-f16 WebGPU feature. An explicit 'webgpu' without it is an error; 'auto' falls back to WASM.
 */
export async function chooseDecoderDevice(
  preference: DevicePreference,
  needsF16: boolean,
): Promise<DecoderDeviceChoice> {
  const shared = await chooseSharedDevice(preference);
  const found = shared.device === 'webgpu' ? await requestAdapter() : { adapter: null };
  const shaderF16 = found.adapter?.features.has('shader-f16') ?? false;
  if (!needsF16 || shared.device === 'wasm' || shaderF16) return { ...shared, shaderF16 };
  if (preference === 'webgpu') {
    throw new HearthError(
      'WEBGPU_UNAVAILABLE',
      'These fp16 weights need the shader-f16 WebGPU feature, which this GPU lacks. Load an fp32 or q4 variant.',
    );
  }
  return {
    device: 'wasm',
    reason: `${shared.reason} But the GPU lacks shader-f16, which these fp16 weights need: using WASM.`,
    shaderF16,
  };
}

export interface SessionRequest {
  model: Uint8Array;
  /** Weights kept outside the graph (`model.onnx_data`), passed to ORT unchanged. */
  externalData?: Array<{ path: string; data: Uint8Array }>;
  device: OrtDevice;
}

/** An onnxruntime-web build (the default JSEP one, or the plain WASM one): same API, its own classes. */
export type OrtModule = typeof ort;

/**
 * Opens a session on the WASM-only build of onnxruntime-web. It decodes faster on WASM than the
 * default build (which carries WebGPU support and its async instrumentation). Tensors fed to it
 * must come from the same module.
 */
export async function createWasmSession(
  module: OrtModule,
  request: SessionRequest,
  label: string,
): Promise<ort.InferenceSession> {
  try {
    return await module.InferenceSession.create(request.model, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      ...(request.externalData ? { externalData: request.externalData } : {}),
    });
  } catch (error) {
    throw new HearthError(
      'MODEL_FILE_MALFORMED',
      `${label} could not be loaded on wasm (${(error as Error).message}). Delete the model and download it again.`,
      { cause: error },
    );
  }
}

export async function createDecoderSession(
  request: SessionRequest,
  label: string,
): Promise<ort.InferenceSession> {
  const sessionOptions: Omit<ort.InferenceSession.SessionOptions, 'executionProviders'> = {
    ...(request.externalData ? { externalData: request.externalData } : {}),
  };
  // On WebGPU every output stays on the GPU: the KV cache is fed back without a round trip, and
  // only the last row of the logits is read back (DecoderSession downloads and frees them).
  if (request.device === 'webgpu') sessionOptions.preferredOutputLocation = 'gpu-buffer';
  return createSharedSession(request.model, { device: request.device, label, sessionOptions });
}

export { ort };
