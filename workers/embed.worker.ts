import { exposeApi } from '../src/core/rpc/index.ts';
import { EmbedService } from '../src/engines/embed/service.ts';
import { browserWasmPaths } from '../src/engines/ort/browser-wasm-paths.ts';
import { httpModelFiles } from '../src/models/http-model-files.ts';

exposeApi(
  new EmbedService({
    filesFor: ({ baseUrl, modelId, revision }) => httpModelFiles(baseUrl, modelId, revision),
    wasmPaths: browserWasmPaths,
  }),
);
