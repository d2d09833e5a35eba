import { env } from '@huggingface/transformers';

/**
 * Points transformers.js at a local model in hub layout and at its own onnxruntime-web (served from
 * its nested node_modules, since there is no CDN here), with `threads` WASM threads. Returns the
 * onnxruntime-web version it will run, once a session exists.
 */
const ORT_DIST = '/node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist';

export function configureTransformers(options: {
  threads: number;
  modelRoot: string;
}): () => string | undefined {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useBrowserCache = false;
  env.useWasmCache = false;
  // Hub layout <root>/<repo>/resolve/main/<file>: point localModelPath at .../resolve/ and name the model "main".
  env.localModelPath = options.modelRoot;
  const onnx = env.backends.onnx as {
    wasm: { numThreads?: number; wasmPaths?: unknown };
    versions?: { web?: string };
  };
  onnx.wasm.numThreads = options.threads;
  onnx.wasm.wasmPaths = {
    mjs: `${ORT_DIST}/ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${ORT_DIST}/ort-wasm-simd-threaded.asyncify.wasm`,
  };
  return () => onnx.versions?.web;
}
