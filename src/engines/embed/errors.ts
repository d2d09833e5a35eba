/** The codes of the embedding engine, each with what the user does about it. */
export const EMBED_ERROR_CODES = {
  EMBEDDER_NOT_LOADED: 'No embedding model is loaded: call load() first, or load it again after unload().',
  EMBED_RUN_FAILED:
    "The embedding model failed while running: the message says why; try device 'wasm' or smaller batches.",
} as const;

declare module '../../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof EMBED_ERROR_CODES, true> {}
}
