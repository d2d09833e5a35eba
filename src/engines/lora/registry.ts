import { HearthError } from '../../core/errors.ts';
import { parseAdapterRef } from './adapter-ref.ts';
import type { PreparedAdapter } from './peft.ts';
import { stackedKinds, type LoraTarget, type StackedKind } from './targets.ts';

/** Creates engine tensors (CPU or GPU-resident) from adapter weights, and frees them. */
export interface LoraTensorFactory<T> {
  create(data: Float32Array, dims: number[]): T;
  dispose(tensor: T): void;
  /**
   * Rank of the zeros fed where no adapter applies. 0 where the runtime computes a MatMul over an
   * empty inner dimension as zeros (ORT's CPU kernels: no copy and almost no work); 1 (the default)
   * on WebGPU, which has no zero-size buffers.
   */
  zeroRank?: 0 | 1;
}

export interface AdapterInfo {
  ref: string;
  fingerprint: string;
  rank: number;
  modules: string[];
  bytes: number;
  warnings: string[];
}

interface Resident<T> {
  info: AdapterInfo;
  tensors: Map<string, T>;
  lastUsed: number;
}

/**
 * The adapters resident on the device, within a byte budget (least recently used evicted first),
 * and the graph inputs for a request: an adapter's A/B where it has them, zeros elsewhere (of the
 * factory's `zeroRank`), so "no adapter" gives exactly the base model's output.
 */
export class AdapterRegistry<T> {
  private readonly resident = new Map<string, Resident<T>>();
  private readonly zeros: Map<string, T>;
  private clock = 0;

  private readonly kinds: StackedKind[];

  constructor(
    private readonly targets: LoraTarget[],
    private readonly factory: LoraTensorFactory<T>,
    private readonly budgetBytes = 256 * 1024 * 1024,
  ) {
    this.kinds = stackedKinds(targets);
    this.zeros = zeroAdapterFeeds(targets, factory);
  }

  load(ref: string, adapter: PreparedAdapter, fingerprint: string): AdapterInfo {
    parseAdapterRef(ref);
    const existing = this.resident.get(ref);
    if (existing) {
      if (existing.info.fingerprint !== fingerprint) {
        throw new HearthError(
          'ADAPTER_IMMUTABLE',
          `${ref} is already loaded with different weights. Versions are immutable: publish the new weights as a new version.`,
        );
      }
      existing.lastUsed = ++this.clock;
      return existing.info;
    }
    const byTarget = new Map(this.targets.map((target) => [target.module, target]));
    // Per projection kind the adapter touches: its stacked A [layers, in, R] and B [layers, R, out],
    // R the largest rank among its modules of that kind; smaller ranks and untouched layers are zeros.
    const stacks = this.kinds.flatMap((kind) => {
      const modules = [...adapter.modules.values()].filter(
        (module) => byTarget.get(module.module)!.inputA === kind.inputA,
      );
      if (modules.length === 0) return [];
      return [{ kind, modules, rank: Math.max(...modules.map((module) => module.rank)) }];
    });
    const bytes = stacks.reduce(
      (sum, { kind, rank }) => sum + 4 * kind.layers * rank * (kind.inFeatures + kind.outFeatures),
      0,
    );
    if (bytes > this.budgetBytes) {
      throw new HearthError(
        'ADAPTER_TOO_LARGE',
        `${ref} needs ${bytes} bytes but the adapter budget is ${this.budgetBytes}; raise the budget or use a smaller rank.`,
      );
    }
    const tensors = new Map<string, T>();
    for (const { kind, modules, rank } of stacks) {
      const { layers, inFeatures, outFeatures } = kind;
      const a = new Float32Array(layers * inFeatures * rank);
      const b = new Float32Array(layers * rank * outFeatures);
      for (const module of modules) {
        const layer = byTarget.get(module.module)!.layer;
        // A is [in, r] row-major: each row lands in the first r columns of its [in, R] slot.
        for (let row = 0; row < inFeatures; row++) {
          a.set(
            module.a.subarray(row * module.rank, (row + 1) * module.rank),
            (layer * inFeatures + row) * rank,
          );
        }
        // B is [r, out]: its rows are the first r of the [R, out] slot.
        b.set(module.b, layer * rank * outFeatures);
      }
      tensors.set(kind.inputA, this.factory.create(a, [layers, inFeatures, rank]));
      tensors.set(kind.inputB, this.factory.create(b, [layers, rank, outFeatures]));
    }
    const info: AdapterInfo = {
      ref,
      fingerprint,
      rank: Math.max(...[...adapter.modules.values()].map((m) => m.rank)),
      modules: [...adapter.modules.keys()].sort(),
      bytes,
      warnings: adapter.warnings,
    };
    this.resident.set(ref, { info, tensors, lastUsed: ++this.clock });
    this.evictOverBudget(ref);
    return info;
  }

  unload(ref: string): boolean {
    const resident = this.resident.get(ref);
    if (!resident) return false;
    resident.tensors.forEach((tensor) => this.factory.dispose(tensor));
    this.resident.delete(ref);
    return true;
  }

  list(): AdapterInfo[] {
    return [...this.resident.values()].sort((a, b) => b.lastUsed - a.lastUsed).map((r) => r.info);
  }

  has(ref: string): boolean {
    return this.resident.has(ref);
  }

  /** Graph inputs for one request; `ref` undefined means the base model. */
  feeds(ref?: string): Record<string, T> {
    const feeds: Record<string, T> = Object.fromEntries(this.zeros);
    if (ref === undefined) return feeds;
    const resident = this.resident.get(ref);
    if (!resident) {
      throw new HearthError(
        'ADAPTER_NOT_LOADED',
        `Adapter ${ref} is not loaded (or was evicted for memory); load it first.`,
      );
    }
    resident.lastUsed = ++this.clock;
    for (const [name, tensor] of resident.tensors) feeds[name] = tensor;
    return feeds;
  }

  totalBytes(): number {
    let total = 0;
    for (const resident of this.resident.values()) total += resident.info.bytes;
    return total;
  }

  dispose(): void {
    for (const ref of [...this.resident.keys()]) this.unload(ref);
    this.zeros.forEach((tensor) => this.factory.dispose(tensor));
    this.zeros.clear();
  }

  private evictOverBudget(keep: string): void {
    while (this.totalBytes() > this.budgetBytes) {
      const victim = [...this.resident.values()]
        .filter((r) => r.info.ref !== keep)
        .sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!victim) return;
      this.unload(victim.info.ref);
    }
  }
}

/**
 * Zero A and B for every target (rank `factory.zeroRank`): the inputs that make the rewritten graph
 * compute exactly the base model (x·0·0, or an empty product, adds +0).
 */
export function zeroAdapterFeeds<T>(targets: LoraTarget[], factory: LoraTensorFactory<T>): Map<string, T> {
  const zeros = new Map<string, T>();
  const rank = factory.zeroRank ?? 1;
  for (const { inputA, inputB, layers, inFeatures, outFeatures } of stackedKinds(targets)) {
    zeros.set(
      inputA,
      factory.create(new Float32Array(layers * inFeatures * rank), [layers, inFeatures, rank]),
    );
    zeros.set(
      inputB,
      factory.create(new Float32Array(layers * rank * outFeatures), [layers, rank, outFeatures]),
    );
  }
  return zeros;
}
