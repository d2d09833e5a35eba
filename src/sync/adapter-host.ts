/**
 * What adapter sync hands an engine: the seam between `src/sync` and the LoRA engine (`src/engines/lora`).
 * The engine implements it; sync calls it only with files that passed the manifest's SHA-256 check.
 */

/** The two PEFT files of one adapter version, as `preparePeftAdapter` takes them. */
export interface AdapterFiles {
  /** Parsed `adapter_config.json`. */
  config: unknown;
  /** `adapter_model.safetensors`, whole. */
  weights: Uint8Array;
  /**
   * The trainer's PyTorch reference (`reference_logits.json`: base and base+adapter logits for a fixed prompt),
   * present only when sync was asked for it (`includeReference`): parity tests, not everyday use.
   */
  reference?: unknown;
}

export interface AdapterHost {
  /**
   * Makes `ref` (`name@version`) usable by requests that name it. Versions are immutable, so loading a ref
   * twice with the same files is harmless. Rejects (with a HearthError) when the engine refuses the adapter,
   * e.g. shapes that do not fit the loaded base model; sync then keeps the previous version.
   */
  load(ref: string, files: AdapterFiles): Promise<unknown>;
}
