import { HearthError } from '../../core/errors.ts';
import { requestAdapter } from '../device/webgpu.ts';

export type DevicePreference = 'webgpu' | 'wasm' | 'auto';
export type ExecutionDevice = 'webgpu' | 'wasm';

export interface DeviceChoice {
  device: ExecutionDevice;
  /** A sentence for the user: what was asked and why this backend runs. */
  reason: string;
}

/** Software WebGPU (SwiftShader, WARP, …) runs compute shaders far slower than ORT's WASM kernels. */
function isSoftwareAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  if (info.isFallbackAdapter) return true;
  return /swiftshader|warp|llvmpipe|software/i.test(
    `${info.architecture} ${info.description} ${info.vendor}`,
  );
}

/**
 * Turns `device: 'webgpu' | 'wasm' | 'auto'` into the backend to use.
 * - 'wasm' always works.
 * - 'webgpu' fails with WEBGPU_UNAVAILABLE (and the reason) when there is no adapter.
 * - 'auto' takes WebGPU when a hardware adapter exists, else WASM, and says why.
 */
export async function chooseDevice(preference: DevicePreference): Promise<DeviceChoice> {
  if (preference === 'wasm') return { device: 'wasm', reason: 'WASM was requested.' };
  const hasNavigatorGpu = typeof globalThis.navigator !== 'undefined' && 'gpu' in globalThis.navigator;
  if (preference === 'webgpu') {
    const found = await requestAdapter();
    if (!found.adapter)
      throw new HearthError(
        'WEBGPU_UNAVAILABLE',
        `WebGPU was requested but is unavailable: ${found.reason} Use device 'wasm' or 'auto'.`,
      );
    return { device: 'webgpu', reason: `WebGPU was requested (${describe(found.adapter)}).` };
  }
  if (!hasNavigatorGpu)
    return { device: 'wasm', reason: 'auto: this environment has no WebGPU, using WASM.' };
  const found = await requestAdapter();
  if (!found.adapter) return { device: 'wasm', reason: `auto: ${found.reason} Using WASM.` };
  if (isSoftwareAdapter(found.adapter))
    return {
      device: 'wasm',
      reason: `auto: the only WebGPU adapter is a software renderer (${describe(found.adapter)}), slower than WASM.`,
    };
  return { device: 'webgpu', reason: `auto: WebGPU adapter found (${describe(found.adapter)}).` };
}

function describe(adapter: GPUAdapter): string {
  const { vendor, architecture, description } = adapter.info;
  return [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter';
}
