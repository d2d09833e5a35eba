/** The codes of onnxruntime setup, each with what the user does about it. */
export const ORT_SETUP_ERROR_CODES = {
  MODEL_LOAD_FAILED:
    "The model's files are there but the runtime could not start them: the message says why; try device 'wasm' or another export.",
} as const;

declare module '../../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof ORT_SETUP_ERROR_CODES, true> {}
}
