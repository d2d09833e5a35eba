/**
 * Every failure Hearth reports carries a stable `code` (for programs) and a message that tells
 * the user what to do next (for people). Codes survive worker boundaries intact.
 */
export type HearthErrorCode =
  'ABORTED' | 'INVALID_INPUT' | 'WEBGPU_UNAVAILABLE' | 'WORKER_FAILED' | 'INTERNAL' | (string & {});

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
