import { HearthError } from '../core/errors.ts';

/** Codes the runtime itself throws; the engines, RAG and sync declare theirs beside their code. */
export const RUNTIME_ERROR_CODES = {
  HEARTH_DISPOSED: 'This Hearth (or piece of it) was disposed: create a new one to use it again.',
  HEARTH_NOT_CONFIGURED:
    'The piece called has no model configured: pass it to createHearth (chat, embedder) or load one first.',
} as const;

export type RuntimeErrorCode = keyof typeof RUNTIME_ERROR_CODES;

declare module '../core/errors.ts' {
  interface HearthErrorCodes extends Record<RuntimeErrorCode, true> {}
}

export function runtimeError(code: RuntimeErrorCode, message: string): HearthError {
  return new HearthError(code, message);
}

export function disposedError(what: string): HearthError {
  return runtimeError(
    'HEARTH_DISPOSED',
    `${what} was disposed; create a new one (createHearth, createChat, …) to use it again.`,
  );
}
