/**
 * Every failure Hearth reports carries a stable `code` (for programs) and a message that tells
 * the user what to do next (for people). Codes survive worker boundaries intact.
 */
/** Every module adds its codes by declaration merging (see src/rag/errors.ts); the union is closed. */
export interface HearthErrorCodes {
  ABORTED: true;
  INVALID_INPUT: true;
  WEBGPU_UNAVAILABLE: true;
  WORKER_FAILED: true;
  INTERNAL: true;
}
export type HearthErrorCode = keyof HearthErrorCodes; // no `string & {}`

/** The codes of `core` itself, each with what the user does about it. */
export const CORE_ERROR_CODES = {
  ABORTED: 'The operation was cancelled, as asked; start it again when you want it.',
  INVALID_INPUT: 'A call was given arguments it cannot use; the message names the field and what it expects.',
  WEBGPU_UNAVAILABLE:
    "This browser or device offers no usable WebGPU: use device 'wasm' (or 'auto'), or a browser with WebGPU enabled.",
  WORKER_FAILED:
    'A worker stopped or failed to start: reload the page; if it happens again, check the console.',
  INTERNAL:
    'Something failed that Hearth did not expect: reload the page and report the message if it happens again.',
  UNSUPPORTED: 'The loaded model or backend cannot do what was asked; the message says what it lacks.',
  MODEL_FILE_MISSING:
    "A model file is not there: check the model's base URL and id, or download the model again.",
  MODEL_FILE_MALFORMED:
    'A model file is not in the format expected: download the model again, or use another export.',
  SAFETENSORS_INVALID:
    'The safetensors file is damaged or not safetensors: export or download the file again.',
  SAFETENSORS_DTYPE:
    'The safetensors file holds a tensor type Hearth cannot read: save it as float32, float16 or bfloat16.',
} as const;
export interface HearthErrorCodes extends Record<keyof typeof CORE_ERROR_CODES, true> {}

export interface HearthErrorShape {
  code: HearthErrorCode;
  message: string;
  details?: unknown;
  stack?: string;
}

export class HearthError extends Error {
  readonly code: HearthErrorCode;
  readonly details: unknown;

  constructor(code: HearthErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HearthError';
    this.code = code;
    this.details = options?.details;
  }

  toJSON(): HearthErrorShape {
    return { code: this.code, message: this.message, details: this.details, stack: this.stack };
  }

  static fromJSON(shape: HearthErrorShape): HearthError {
    const error = new HearthError(shape.code, shape.message, { details: shape.details });
    if (shape.stack) error.stack = shape.stack;
    return error;
  }
}

export function isHearthError(value: unknown, code?: HearthErrorCode): value is HearthError {
  return value instanceof HearthError && (code === undefined || value.code === code);
}

/** The error every cancelled operation rejects with, whatever the reason given to `abort()`. */
export function abortError(reason?: unknown): HearthError {
  if (reason instanceof HearthError) return reason;
  const why = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : undefined;
  return new HearthError('ABORTED', why ? `Cancelled: ${why}` : 'The operation was cancelled.');
}

/** Throws the cancellation error if `signal` is already aborted; call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason);
}

/** Wraps any thrown value so callers always see a HearthError with a code. */
export function toHearthError(value: unknown, fallbackCode: HearthErrorCode = 'INTERNAL'): HearthError {
  if (value instanceof HearthError) return value;
  if (value instanceof DOMException && value.name === 'AbortError') return abortError(value.message);
  if (value instanceof Error) return new HearthError(fallbackCode, value.message, { cause: value });
  return new HearthError(fallbackCode, String(value));
}
