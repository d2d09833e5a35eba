/**
 * The two PEFT files of one adapter version, as `preparePeftAdapter` takes them: what adapter sync
 * (`src/sync`) hands an engine's `adapters.load`, and what a page loads by hand.
 */
export interface AdapterFiles {
  /** `adapter_config.json`, parsed (or its bytes). */
  config: unknown;
  /** `adapter_model.safetensors`, whole. */
  weights: Uint8Array;
  /**
   * The trainer's PyTorch reference (`reference_logits.json`: base and base+adapter logits for a fixed prompt),
   * present only when sync was asked for it (`includeReference`): parity tests, not everyday use.
   */
  reference?: unknown;
}
