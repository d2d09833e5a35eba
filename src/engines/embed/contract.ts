import type { LongOperationOptions } from '../../core/progress.ts';

export type EmbedKind = 'query' | 'passage';
export type DevicePreference = 'webgpu' | 'wasm' | 'auto';

export interface EmbedOptions extends LongOperationOptions {
  kind?: EmbedKind;
}

export interface EmbedderInfo {
  modelId: string;
  revision: string;
  dimensions: number;
  maxTokens: number;
  /** The backend in use and, for `auto`, why it was picked. */
  device: 'webgpu' | 'wasm';
  deviceReason: string;
}

/**
 * Turns texts into L2-normalised vectors. RAG depends only on this contract; the ONNX
 * implementation lives beside it and runs in workers/embed.worker.ts.
 */
export interface Embedder {
  info(): Promise<EmbedderInfo>;
  embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Token count with the model's own tokenizer (specials included), for chunking. */
  countTokens(texts: string[]): Promise<number[]>;
}
