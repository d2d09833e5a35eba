import type { ort } from './decoder-runtime.ts';

/** A decoder's KV cache between runs: what to feed as `past_key_values.*`, and how it grows. */
export interface KvCache {
  /** Positions held. */
  readonly length: number;
  /** Feeds for the `past_key_values.*` inputs. */
  feeds(): Record<string, ort.Tensor>;
  /** Takes a run's `present.*` outputs, which covered `added` new positions. */
  update(outputs: Record<string, ort.Tensor>, added: number): void;
  /** Cuts the cache to its first `length` positions (a shared prompt prefix). */
  truncate(length: number): Promise<void>;
  reset(): void;
}

/** KV values as ORT hands them over: float32, or fp16 bits. */
export type KvData = Float32Array | Uint16Array;

/**
 * Copies `positions` positions of every head between two `[heads, capacity, head_dim]` layouts of
 * different capacities: from the start of each source head to `at` positions into each target head.
 */
export function copyPositions(
  source: { data: KvData; capacity: number },
  target: { data: KvData; capacity: number; at?: number },
  shape: { heads: number; positions: number; headDim: number },
): void {
  const { heads, positions, headDim } = shape;
  for (let h = 0; h < heads; h++) {
    const from = h * source.capacity * headDim;
    target.data.set(
      source.data.subarray(from, from + positions * headDim),
      (h * target.capacity + (target.at ?? 0)) * headDim,
    );
  }
}
