import type { ort } from './ort-runtime.ts';

/** A decoder's KV cache between runs: what to feed as `past_key_values.*`, and how it grows. */
export interface KvCache {
  /** Positions held. */
  readonly length: number;
  /** Feeds for the `past_key_values.*` inputs. */
  feeds(): Record<string, ort.Tensor>;
  /** Takes a run's `present.*` outputs, which covered `added` new positions. */
  update(outputs: Record<string, ort.Tensor>, added: number): void | Promise<void>;
  /** Cuts the cache to its first `length` positions (a shared prompt prefix). */
  truncate(length: number): Promise<void>;
  reset(): void;
}
