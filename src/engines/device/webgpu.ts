import { HearthError } from '../../core/errors.ts';
import type { WebGpuReport } from './report.ts';

/** Asks for a WebGPU adapter; returns why not when there is none, instead of throwing. */
export async function requestAdapter(): Promise<{ adapter: GPUAdapter } | { adapter: null; reason: string }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    return {
      adapter: null,
      reason:
        secure === false
          ? 'navigator.gpu is missing because the page is not a secure context (serve it over https or from 127.0.0.1).'
          : 'navigator.gpu is missing: this browser has no WebGPU (or it is disabled).',
    };
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      return { adapter: null, reason: 'The browser offers WebGPU but returned no adapter (no usable GPU).' };
    return { adapter };
  } catch (error) {
    return { adapter: null, reason: `requestAdapter failed: ${(error as Error).message}` };
  }
}

export async function describeWebGpu(): Promise<WebGpuReport> {
  const found = await requestAdapter();
  if (!found.adapter) return { available: false, reason: found.reason };
  const { adapter } = found;
  const info = adapter.info;
  return {
    available: true,
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    shaderF16: adapter.features.has('shader-f16'),
    features: [...adapter.features].sort(),
    limits: {
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
    },
  };
}

const SQUARE_AND_ADD = /* wgsl */ `
  @group(0) @binding(0) var<storage, read_write> data: array<f32>;
  @compute @workgroup_size(64)
  fn main(@builtin(global_invocation_id) id: vec3<u32>) {
    if (id.x < arrayLength(&data)) {
      data[id.x] = data[id.x] * data[id.x] + 1.0;
    }
  }`;

/**
 * Runs a tiny compute shader (x -> x*x + 1) and reads the result back: proof that the adapter
 * really executes work, not merely that it exists.
 */
export async function runComputeCheck(input: Float32Array): Promise<Float32Array> {
  const found = await requestAdapter();
  if (!found.adapter) throw new HearthError('WEBGPU_UNAVAILABLE', `WebGPU is unavailable: ${found.reason}`);
  const device = await found.adapter.requestDevice();
  try {
    const bytes = input.byteLength;
    const storage = device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    const readback = device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(storage, 0, input);
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: SQUARE_AND_ADD }), entryPoint: 'main' },
    });
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: storage } }],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(input.length / 64));
    pass.end();
    encoder.copyBufferToBuffer(storage, 0, readback, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const result = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    return result;
  } finally {
    device.destroy();
  }
}
