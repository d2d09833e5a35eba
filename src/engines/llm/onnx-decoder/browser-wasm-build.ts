import plainMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { wasmPathsFor } from '../../ort-setup/browser-wasm-paths.ts';
import type { OrtModule } from './decoder-runtime.ts';

/**
 * Browser only (Vite `?url`). The WASM-only onnxruntime-web build, for models run on device 'wasm':
 * measured here, it decodes a SmolLM2-135M-shaped model about 1.5x faster than the default build,
 * whose binary also carries WebGPU support. It has its own `env`, configured here; it loads once per
 * worker, so the first thread count wins.
 */
export async function loadWasmBuild(threads: number): Promise<OrtModule> {
  const module = (await import('onnxruntime-web/wasm')) as OrtModule;
  module.env.wasm.numThreads = threads;
  module.env.wasm.wasmPaths = wasmPathsFor(plainWasmUrl, plainMjsUrl);
  module.env.logLevel = 'error';
  return module;
}
