import { HearthError, isHearthError } from '../../../core/errors.ts';
import { halvesToFloats } from '../../../core/half-float.ts';
import { deviceLostError, type DeviceLossWatch } from './device-loss.ts';
import type { LogitsSource } from '../generation/decode-loop.ts';
import type { DecoderLayout } from './graph-layout.ts';
import { AppendKvCache } from './append-kv-cache.ts';
import { FedBackKvCache } from './fed-back-kv-cache.ts';
import type { KvCache } from './kv-cache.ts';
import type { ort, OrtDevice, OrtModule } from './decoder-runtime.ts';

/**
 * One ONNX decoder session and its KV cache: `forward(ids)` runs the tokens that follow the cached
 * ones and returns the logits of the last position, `[vocab]`.
 */
export class DecoderSession implements LogitsSource {
  readonly cache: KvCache;
  /** Tokens run through the model since load, for tests and benchmarks (prefix-cache reuse shows here). */
  processedTokens = 0;
  /** Inputs fed to every run besides tokens and cache: the LoRA A/B of the current request's adapter. */
  extraFeeds: Record<string, ort.Tensor> = {};
  /** On WebGPU: every run is raced against the device's loss (a run on a lost device may never settle). */
  deviceLoss: DeviceLossWatch | undefined;

  constructor(
    private readonly session: ort.InferenceSession,
    readonly layout: DecoderLayout,
    readonly device: OrtDevice,
    /** The onnxruntime-web build the session belongs to: inputs are made with its Tensor class. */
    readonly module: OrtModule,
    /** 'append' when the graph was rewritten by `appendOnlyKv` (its present.* hold new positions only). */
    kvCache: 'append' | 'fed-back' = 'fed-back',
  ) {
    this.cache =
      kvCache === 'append' ? new AppendKvCache(layout, module) : new FedBackKvCache(layout, module);
  }

  async forward(ids: number[]): Promise<Float32Array> {
    if (ids.length === 0) throw new HearthError('INTERNAL', 'forward() needs at least one token.');
    const past = this.cache.length;
    const total = past + ids.length;
    const feeds: Record<string, ort.Tensor> = {
      ...this.extraFeeds,
      [this.layout.inputIds]: this.int64(ids.length, (i) => ids[i]!),
      ...this.cache.feeds(),
    };
    if (this.layout.attentionMask) feeds[this.layout.attentionMask] = this.int64(total, () => 1);
    if (this.layout.positionIds) feeds[this.layout.positionIds] = this.int64(ids.length, (i) => past + i);

    let outputs: ort.InferenceSession.ReturnType;
    try {
      const run = this.session.run(feeds);
      outputs = await (this.deviceLoss ? this.deviceLoss.race(run) : run);
    } catch (error) {
      // The cache may now be half-updated: start over next time.
      this.cache.reset();
      if (isHearthError(error, 'DEVICE_LOST')) throw error;
      if (this.deviceLoss && (await this.deviceLoss.explains())) throw deviceLostError(this.deviceLoss.info!);
      throw new HearthError(
        'GENERATION_FAILED',
        `The model failed to run on ${this.device} (${(error as Error).message}). Try again; if it repeats, reload the model or use device "wasm".`,
        { cause: error },
      );
    }
    const logits = outputs[this.layout.logits]!;
    try {
      this.cache.update(outputs as Record<string, ort.Tensor>, ids.length);
    } catch (error) {
      this.cache.reset();
      throw error;
    }
    this.processedTokens += ids.length;
    // [1, seq, vocab] (or [1, 1, vocab] when the graph computes the last position only):
    // copy out the last row, which the sampler edits in place.
    const read = logits.getData();
    const data = (await (this.deviceLoss ? this.deviceLoss.race(read) : read)) as Float32Array | Uint16Array;
    const [, rows, vocab] = logits.dims as [number, number, number];
    const row = data.subarray((rows - 1) * vocab, rows * vocab);
    // fp16 logits come as Uint16Array bits, or as Float16Array values where the JS engine has one.
    const last =
      row instanceof Float32Array
        ? row.slice()
        : row instanceof Uint16Array
          ? halvesToFloats(row)
          : Float32Array.from(row as ArrayLike<number>);
    if (logits.location === 'gpu-buffer') logits.dispose();
    return last;
  }

  async release(): Promise<void> {
    this.cache.reset();
    await this.session.release();
  }

  /** `[1, length]` int64. */
  private int64(length: number, value: (i: number) => number): ort.Tensor {
    const data = new BigInt64Array(length);
    for (let i = 0; i < length; i++) data[i] = BigInt(value(i));
    return new this.module.Tensor('int64', data, [1, length]);
  }
}
