import type { LogitsSource } from '../generation/decode-loop.ts';
import type { DeviceLossWatch } from './device-loss.ts';

/**
 * What the chat engine drives: an ONNX Runtime session (DecoderSession) or Hearth's own WASM decoder
 * (WasmDecoderSession). `extraFeeds` are the request's LoRA inputs, in the decoder's own tensor type.
 */
export interface ChatDecoder extends LogitsSource {
  readonly device: 'webgpu' | 'wasm';
  readonly cache: { readonly length: number; truncate(length: number): Promise<void>; reset(): void };
  processedTokens: number;
  extraFeeds: Record<string, unknown>;
  deviceLoss: DeviceLossWatch | undefined;
  release(): Promise<void>;
}
