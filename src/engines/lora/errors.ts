/** Codes of the LoRA adapter loader; the texts say what the user does about each. */
export const LORA_ERROR_CODES = {
  ADAPTER_INVALID:
    'The adapter files are broken or ask for something unsupported; retrain or re-export the adapter.',
  ADAPTER_REF_INVALID: 'Name the adapter as name@version (or name for its newest version).',
  ADAPTER_NOT_LOADED: 'Load the adapter (adapters.load) before a request names it.',
  ADAPTER_IMMUTABLE: 'Load the new version under its own name@version; a loaded version never changes.',
  ADAPTER_TOO_LARGE: 'Unload adapters you no longer use, or use an adapter of lower rank.',
  LORA_REWRITE_FAILED: 'This model cannot take LoRA adapters; use the model without one.',
} as const;

declare module '../../core/errors.ts' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HearthErrorCodes extends Record<keyof typeof LORA_ERROR_CODES, true> {}
}
