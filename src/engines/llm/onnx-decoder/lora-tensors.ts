import type { LoraTensorFactory } from '../../lora/index.ts';
import type { ort, OrtDevice, OrtModule } from './decoder-runtime.ts';

/**
 * Where adapter weights live: on WebGPU in GPU buffers (uploaded once, fed to every request
 * without a copy), on WASM as ordinary CPU tensors of the session's own onnxruntime build.
 */
export async function loraTensorFactory(
  module: OrtModule,
  device: OrtDevice,
): Promise<LoraTensorFactory<ort.Tensor>> {
  // ORT's device exists once a WebGPU session has been created, which the decoder load has done.
  if (device === 'webgpu') return gpuFactory(module, await module.env.webgpu.device);
  return cpuLoraTensors(module, 0);
}

/** Plain CPU tensors of `module`; `zeroRank` 0 only where the session runs on WASM (see LoraTensorFactory). */
export function cpuLoraTensors(module: OrtModule, zeroRank: 0 | 1): LoraTensorFactory<ort.Tensor> {
  return {
    create: (data, dims) => new module.Tensor('float32', data, dims),
    dispose: (tensor) => tensor.dispose(),
    zeroRank,
  };
}

function gpuFactory(module: OrtModule, gpu: GPUDevice): LoraTensorFactory<ort.Tensor> {
  return {
    create(data, dims) {
      const buffer = gpu.createBuffer({
        // WebGPU buffer sizes are multiples of 4; float32 data always is.
        size: data.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      gpu.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return module.Tensor.fromGpuBuffer(buffer, {
        dataType: 'float32',
        dims,
        dispose: () => buffer.destroy(),
      });
    },
    dispose: (tensor) => tensor.dispose(),
  };
}
