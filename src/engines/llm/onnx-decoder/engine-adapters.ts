import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HearthError } from '../../../core/errors.ts';
import {
  AdapterRegistry,
  parseAdapterRef,
  preparePeftAdapter,
  type AdapterInfo,
  type LoraTarget,
  type LoraTensorFactory,
} from '../../lora/index.ts';
import type { AdapterFiles } from '../contract.ts';

/**
 * The adapters an ORT chat engine serves: validated against the base model's rewritten
 * projections, resident within a byte budget, fed per request. A request names one as
 * `name@version`; none means the base model.
 */
export class EngineAdapters<T = unknown> {
  private readonly registry: AdapterRegistry<T>;

  constructor(
    private readonly modelId: string,
    private readonly targets: LoraTarget[],
    factory: LoraTensorFactory<T>,
    budgetBytes?: number,
  ) {
    this.registry = new AdapterRegistry(targets, factory, budgetBytes);
  }

  load(ref: string, files: AdapterFiles): AdapterInfo {
    parseAdapterRef(ref);
    const configBytes =
      files.config instanceof Uint8Array
        ? files.config
        : new TextEncoder().encode(JSON.stringify(files.config));
    let config: unknown = files.config;
    if (files.config instanceof Uint8Array) {
      try {
        config = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(files.config));
      } catch {
        throw new HearthError(
          'ADAPTER_INVALID',
          `Adapter refused: adapter_config.json of ${ref} is not valid JSON.`,
        );
      }
    }
    const hash = sha256.create();
    hash.update(configBytes);
    hash.update(files.weights);
    const fingerprint = bytesToHex(hash.digest());
    const prepared = preparePeftAdapter(
      { config, weights: files.weights },
      { modelId: this.modelId, targets: this.targets },
    );
    return this.registry.load(ref, prepared, fingerprint);
  }

  unload(ref: string): boolean {
    return this.registry.unload(ref);
  }

  list(): AdapterInfo[] {
    return this.registry.list();
  }

  /** Graph inputs for a request. Throws ADAPTER_NOT_LOADED for an unknown ref. */
  feeds(ref: string | undefined): Record<string, T> {
    return this.registry.feeds(ref);
  }

  /** What the prefix cache keys on: the ref and the exact weights behind it. */
  cacheId(ref: string | undefined): string | null {
    if (ref === undefined) return null;
    const info = this.registry.list().find((adapter) => adapter.ref === ref);
    if (!info) this.registry.feeds(ref); // throws the clear ADAPTER_NOT_LOADED error
    return `${ref}#${info!.fingerprint}`;
  }

  dispose(): void {
    this.registry.dispose();
  }
}
