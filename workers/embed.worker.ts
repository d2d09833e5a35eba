import { exposeApi } from '../src/core/rpc/index.ts';
import { EMBED_METHODS, EmbedService } from '../src/engines/embed/index.ts';
import { browserWasmPaths } from '../src/engines/ort-setup/browser-wasm-paths.ts';
import { httpModelFiles, ModelStore } from '../src/models/index.ts';

// Created on first use: the store opens OPFS, which a model read straight over HTTP never needs.
let store: ModelStore | undefined;

exposeApi(
  new EmbedService({
    filesFor: ({ baseUrl, modelId, revision, store: keep }, progress) =>
      keep
        ? (store ??= new ModelStore()).filesOnDemand({ baseUrl, modelId, revision }, progress)
        : httpModelFiles(baseUrl, modelId, revision),
    wasmPaths: browserWasmPaths,
  }),
  EMBED_METHODS,
);
