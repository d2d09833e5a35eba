export type { Embedder, EmbedderInfo, EmbedKind, EmbedOptions, TruncatedText } from './contract.ts';
export { loadOnnxEmbedder, DEFAULT_BATCH_SIZE, type LoadEmbedderOptions } from './load.ts';
export { OnnxEmbedder } from './onnx-embedder.ts';
export { embedModelSpecSchema, type EmbedModelSpec, type ResolvedEmbedModelSpec } from './spec.ts';
export {
  EMBED_METHODS,
  EmbedService,
  embedModelSourceSchema,
  type EmbedModelSource,
  type EmbedServiceLoadOptions,
} from './service.ts';
export { EMBED_ERROR_CODES } from './errors.ts';
