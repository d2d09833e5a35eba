/**
 * What adapter sync hands an engine: the seam between `src/sync` and the LoRA engine (`src/engines/lora`).
 * The engine implements it; sync calls it only with files that passed the manifest's SHA-256 check.
 */
import type { AdapterFiles } from '../core/adapter-files.ts';

export type { AdapterFiles };

export interface AdapterHost {
  /**
   * Makes `ref` (`name@version`) usable by requests that name it. Versions are immutable, so loading a ref
   * twice with the same files is harmless. Rejects (with a HearthError) when the engine refuses the adapter,
   * e.g. shapes that do not fit the loaded base model; sync then keeps the previous version.
   */
  load(ref: string, files: AdapterFiles): Promise<unknown>;
}
