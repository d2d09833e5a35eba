import { HearthError } from '../../../core/errors.ts';
import type { DecoderLayout } from './graph-layout.ts';
import { copyPositions, type KvCache, type KvData } from './kv-cache.ts';
import type { ort, OrtModule } from './decoder-runtime.ts';

/** Room is added this many positions at a time: a copy of the cache per 128 tokens, not per token. */
const GROWTH = 128;

/**
 * The KV cache for graphs rewritten by `appendOnlyKv` (WASM): one growable buffer per layer and
 * kind, `[kv_heads, capacity, head_dim]`, fed whole (the graph uses the first `length` positions);
 * each run's `present.*` hold only the new positions, which are copied into place. So a decode step
 * moves one position per layer out of ORT instead of the whole cache, and allocates nothing.
 * Truncating to a shared prefix only moves the length.
 */
export class AppendKvCache implements KvCache {
  private buffers: KvData[] = [];
  private capacity = 0;
  private lengthValue = 0;
  private feedsValue: Record<string, ort.Tensor> | undefined;

  constructor(
    private readonly layout: DecoderLayout,
    /** The build whose session consumes these tensors (its Tensor class). */
    private readonly module: OrtModule,
  ) {
    this.reset();
  }

  get length(): number {
    return this.lengthValue;
  }

  feeds(): Record<string, ort.Tensor> {
    if (!this.feedsValue) {
      const { kvHeads, headDim, kvType } = this.layout;
      const dims = [1, kvHeads, this.capacity, headDim];
      const feeds: Record<string, ort.Tensor> = {};
      this.layout.layers.forEach((layer, i) => {
        feeds[layer.pastKey] = new this.module.Tensor(kvType, this.buffers[2 * i]!, dims);
        feeds[layer.pastValue] = new this.module.Tensor(kvType, this.buffers[2 * i + 1]!, dims);
      });
      this.feedsValue = feeds;
    }
    return this.feedsValue;
  }

  update(outputs: Record<string, ort.Tensor>, added: number): void {
    const { kvHeads, headDim } = this.layout;
    const length = this.lengthValue;
    this.reserve(length + added);
    this.layout.layers.forEach((layer, i) => {
      [layer.presentKey, layer.presentValue].forEach((name, kind) => {
        const tensor = outputs[name]!;
        if (tensor.dims[2] !== added || tensor.dims[1] !== kvHeads || tensor.dims[3] !== headDim) {
          throw new HearthError(
            'GENERATION_FAILED',
            `${name} came back as [${tensor.dims.join(', ')}], not the [1, ${kvHeads}, ${added}, ${headDim}] new positions the append-only KV cache expects: this graph does not fit it. Load the model with kvCache: "fed-back".`,
          );
        }
        copyPositions(
          { data: sameBits(tensor.data as KvData, this.layout.kvType), capacity: added },
          { data: this.buffers[2 * i + kind]!, capacity: this.capacity, at: length },
          { heads: kvHeads, positions: added, headDim },
        );
      });
    });
    this.lengthValue = length + added;
  }

  truncate(length: number): Promise<void> {
    if (length < this.lengthValue) this.lengthValue = Math.max(0, length);
    return Promise.resolve();
  }

  reset(): void {
    this.lengthValue = 0;
    this.capacity = 0;
    this.buffers = this.layout.layers.flatMap(() => [this.allocate(0), this.allocate(0)]);
    this.feedsValue = undefined;
  }

  /** Grows every buffer to hold `needed` positions, keeping the first `length` of each head. */
  private reserve(needed: number): void {
    if (needed <= this.capacity) return;
    const { kvHeads, headDim } = this.layout;
    const capacity = Math.ceil(needed / GROWTH) * GROWTH;
    this.buffers = this.buffers.map((old) => {
      const next = this.allocate(capacity);
      copyPositions(
        { data: old, capacity: this.capacity },
        { data: next, capacity },
        { heads: kvHeads, positions: this.lengthValue, headDim },
      );
      return next;
    });
    this.capacity = capacity;
    this.feedsValue = undefined;
  }

  private allocate(capacity: number): KvData {
    const size = this.layout.kvHeads * capacity * this.layout.headDim;
    return this.layout.kvType === 'float16' ? new Uint16Array(size) : new Float32Array(size);
  }
}

/**
 * fp16 outputs arrive as Float16Array where the JS engine has one: copied into the Uint16Array
 * buffers by value they would be converted, so they are viewed as their bits instead.
 */
function sameBits(data: KvData, kvType: DecoderLayout['kvType']): KvData {
  if (kvType === 'float32' || data instanceof Uint16Array) return data;
  return new Uint16Array(data.buffer, data.byteOffset, data.length);
}
