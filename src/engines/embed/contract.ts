import type { LongOperationOptions } from '../../core/progress.ts';

export type EmbedKind = 'query' | 'passage';
export type { DevicePreference } from '../ort-setup/index.ts';

export interface EmbedOptions extends LongOperationOptions {
  kind?: EmbedKind;
  /**
   * Called once, before embedding, with the texts that exceed the model's token limit and were cut.
   * Through a worker, callbacks are messages: this one may arrive just after the vectors do.
   */
  onTruncated?: (texts: TruncatedText[]) => void;
}

/** A text longer than the model's limit: only its first `keptTokens` tokens (specials included) count. */
export interface TruncatedText {
  index: number;
  tokens: number;
  keptTokens: number;
}

export interface EmbedderInfo {
  modelId: string;
  revision: string;
  dimensions: number;
  maxTokens: number;
  /** The backend in use and, for `auto`, why it was picked. */
  device: 'webgpu' | 'wasm';
  deviceReason: string;
  /** WASM threads in use (1 without cross-origin isolation), and why. */
  threads?: number;
  threadsReason?: string;
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
