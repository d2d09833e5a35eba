import type { DecoderLayout } from './graph-layout.ts';
import { copyPositions, type KvCache, type KvData } from './kv-cache.ts';
import type { ort, OrtModule } from './decoder-runtime.ts';

/**
 * The past key/value tensors of every layer, `[1, kv_heads, length, head_dim]` each, as the graph
 * returned them in `present.*`, fed back as they are. On WebGPU they stay in GPU buffers between
 * steps; replaced tensors are disposed so GPU memory does not grow. (On WASM the append-only cache
 * is used instead, where the graph allows it.)
 */
export class FedBackKvCache implements KvCache {
  private tensors: ort.Tensor[];
  private lengthValue = 0;

  constructor(
    private readonly layout: DecoderLayout,
    /** The build whose session consumes these tensors (its Tensor class). */
    private readonly module: OrtModule,
  ) {
    this.tensors = this.emptyTensors();
  }

  get length(): number {
    return this.lengthValue;
  }

  feeds(): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = {};
    this.layout.layers.forEach((layer, i) => {
      feeds[layer.pastKey] = this.tensors[2 * i]!;
      feeds[layer.pastValue] = this.tensors[2 * i + 1]!;
    });
    return feeds;
  }

  /** The `present.*` outputs of a run become the cache; the old tensors are released. */
  update(outputs: Record<string, ort.Tensor>, added: number): void {
    const next = this.layout.layers.flatMap((layer) => [
      outputs[layer.presentKey]!,
      outputs[layer.presentValue]!,
    ]);
    this.release();
    this.tensors = next;
    this.lengthValue += added;
  }

  async truncate(length: number): Promise<void> {
    if (length >= this.lengthValue) return;
    if (length === 0) return this.reset();
    const { kvHeads, headDim } = this.layout;
    const old = this.lengthValue;
    const next = await Promise.all(
      this.tensors.map(async (tensor) => {
        const data = (await tensor.getData()) as KvData;
        // [1, heads, old, dim] -> [1, heads, length, dim]
        const out = new (data.constructor as new (n: number) => KvData)(kvHeads * length * headDim);
        copyPositions(
          { data, capacity: old },
          { data: out, capacity: length },
          { heads: kvHeads, positions: length, headDim },
        );
        return new this.module.Tensor(this.layout.kvType, out, [1, kvHeads, length, headDim]);
      }),
    );
    this.release();
    this.tensors = next;
    this.lengthValue = length;
  }

  reset(): void {
    this.release();
    this.tensors = this.emptyTensors();
    this.lengthValue = 0;
  }

  private emptyTensors(): ort.Tensor[] {
    const { kvHeads, headDim, kvType } = this.layout;
    return this.layout.layers.flatMap(() =>
      [0, 1].map(
        () =>
          new this.module.Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [
            1,
            kvHeads,
            0,
            headDim,
          ]),
      ),
    );
  }

  private release(): void {
    for (const tensor of this.tensors) {
      // CPU tensors hold plain arrays; GPU ones hold buffers that must be freed by hand.
      if (tensor.location === 'gpu-buffer') tensor.dispose();
    }
  }
}
