import { loadWasmBuild } from '../src/engines/llm/onnx-decoder/browser-wasm-build.ts';
import { LlmService } from '../src/engines/llm/service.ts';
import { detectToolCallFormat, toolHooksFactory } from '../src/engines/llm/tools/index.ts';
import { browserWasmPaths } from '../src/engines/ort-setup/browser-wasm-paths.ts';
import { httpModelFiles, ModelStore } from '../src/models/index.ts';
import { startModuleWorker } from './start-module-worker.ts';
import wasmDecoderThreadScript from './wasm-decoder-thread.worker.ts?worker&url';

/** The LLM service as the browser's workers run it: models kept in the asset store, ORT's browser builds. */
export function createBrowserLlmService(): LlmService {
  // Created on first use: the store opens OPFS, which a model read straight over HTTP never needs.
  let store: ModelStore | undefined;
  return new LlmService({
    filesFor: ({ baseUrl, modelId, revision }, { store: keep, ...progress }) =>
      keep
        ? (store ??= new ModelStore()).filesOnDemand({ baseUrl, modelId, revision }, progress)
        : httpModelFiles(baseUrl, modelId, revision),
    wasmPaths: browserWasmPaths,
    wasmBuild: loadWasmBuild,
    wasmDecoderThread: () => startModuleWorker(wasmDecoderThreadScript),
    hooksFor: (modelId, chatTemplate) =>
      toolHooksFactory({ modelId, toolFormat: detectToolCallFormat(chatTemplate), constrain: true }),
    // web-llm is large: fetched only when an MLC model is loaded.
    loadWebLlm: async (modelId, options) => {
      const { loadWebLlmChatEngine } = await import('../src/engines/llm/webllm/load.ts');
      return loadWebLlmChatEngine(modelId, options);
    },
  });
}
