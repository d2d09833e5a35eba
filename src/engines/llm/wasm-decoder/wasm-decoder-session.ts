import { HearthError } from '../../../core/errors.ts';
import type { LoraTensorFactory } from '../../lora/index.ts';
import type { Executor } from './executor.ts';
import type { WasmHeap } from './heap.ts';
import type { PagedKvCache } from './kv-pages.ts';
import type { HeapLoraTensor, LlamaForward } from './llama-forward.ts';

/**
 * Hearth's own decoder on WASM, with the surface the chat engine drives (the same as the ORT
 * decoder session): `forward(ids)` runs the tokens after the cached ones and returns the last
 * position's logits; `cache` is cut to a shared prefix or reset between requests; `extraFeeds` holds
 * the request's LoRA tensors.
 */
export class WasmDecoderSession {
  processedTokens = 0;
  extraFeeds: Record<string, HeapLoraTensor> = {};
  readonly deviceLoss = undefined;
  readonly device = 'wasm' as const;

  constructor(
    private readonly forwardPass: LlamaForward,
    private readonly heap: WasmHeap,
    private readonly executor: Executor,
  ) {}

  get cache(): PagedKvCache {
    return this.forwardPass.cache;
  }

  forward(ids: number[]): Promise<Float32Array> {
    if (ids.length === 0) throw new HearthError('INTERNAL', 'forward() needs at least one token.');
    if (this.cache.length + ids.length > this.cache.capacity) {
      throw new HearthError(
        'CONTEXT_OVERFLOW',
        `${this.cache.length + ids.length} positions do not fit the ${this.cache.capacity} this model was loaded with.`,
      );
    }
    try {
      const logits = this.forwardPass.forward(ids, this.extraFeeds);
      this.processedTokens += ids.length;
      return Promise.resolve(logits);
    } catch (error) {
      // The cache may hold part of this run: start over next time.
      this.cache.reset();
      if (error instanceof HearthError) throw error;
      throw new HearthError(
        'GENERATION_FAILED',
        `The WASM decoder failed (${(error as Error).message}). Try again; if it repeats, reload the model with wasmQuantized: "fp32".`,
        { cause: error },
      );
    }
  }

  /** Adapter tensors in the heap, freed when the registry evicts or unloads them. */
  loraFactory(): LoraTensorFactory<HeapLoraTensor> {
    return {
      create: (data, dims) => {
        const ptr = this.heap.alloc(data.byteLength, 'adapters');
        this.heap.f32.set(data, ptr / 4);
        return { ptr, dims };
      },
      dispose: (tensor) => this.heap.release(tensor.ptr),
      // An empty rank is skipped by the forward pass: no adapter costs nothing.
      zeroRank: 0,
    };
  }

  release(): Promise<void> {
    this.executor.dispose();
    this.cache.release();
    return Promise.resolve();
  }
}
