/** The codes of LoRA adapters on the engine, each with what the user does about it. */
export const LORA_ERROR_CODES = {
  ADAPTER_INVALID:
    'The adapter does not fit this base model or its files are malformed: the message names the part; train or export it for this model.',
  ADAPTER_REF_INVALID: "An adapter is named 'name@version' (letters, digits, '-', '_', '.'): fix the name.",
  ADAPTER_IMMUTABLE:
    'An adapter version is already loaded with other weights: publish the new weights as a new version.',
  ADAPTER_TOO_LARGE:
    'The adapter does not fit the adapter memory budget: raise the budget, unload adapters, or use a smaller rank.',
  ADAPTER_NOT_LOADED: 'The adapter is not loaded (or was evicted for memory): load it, then ask again.',
  LORA_REWRITE_FAILED:
    'The model graph could not be prepared for adapters: use a standard decoder export, or load the model without adapters.',
} as const;

declare module '../../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof LORA_ERROR_CODES, true> {}
}
