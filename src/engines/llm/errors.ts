/** The codes of the chat engines, each with what the user does about it. */
export const LLM_ERROR_CODES = {
  MODEL_NOT_LOADED: 'No chat model is loaded: call load() first, or load it again after unload().',
  MODEL_NOT_FOUND: 'The backend does not know that model id: pick one of its prebuilt models.',
  CONTEXT_OVERFLOW:
    "The conversation is longer than the model's context: shorten it, lower max_tokens, or load with overflow: 'truncate-oldest'.",
  DEVICE_LOST:
    'The GPU was lost mid-answer (driver reset, sleep, or the browser reclaimed it): the model now runs on WASM; send the message again.',
  GENERATION_FAILED:
    "The model failed while generating: try again; if it repeats, reload the model or use device 'wasm'.",
  TOOLS_UNSUPPORTED:
    "This model's chat template knows no tool-call format Hearth reads: use a model with tool calling, or call it without tools.",
  GRAMMAR_UNAVAILABLE:
    'Constrained decoding could not start (its grammar engine failed to load): reload the page, or ask without response_format.',
  GRAMMAR_REJECTED: 'The JSON schema or grammar cannot be compiled: simplify it, as the message points out.',
  GRAMMAR_VIOLATION: 'The model left the grammar it was held to: try again, or with a simpler schema.',
  ANSWER_INTERRUPTED:
    'The browser paused this tab mid-answer and the engine shared by your tabs moved on: regenerate the answer.',
  ENGINE_HOST_LOST:
    'The engine shared by your tabs stopped mid-answer (ended by the browser, or crashed): regenerate; a new engine starts.',
} as const;

declare module '../../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof LLM_ERROR_CODES, true> {}
}
