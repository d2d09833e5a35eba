import { HearthError } from '../core/errors.ts';

/** Codes the runtime itself throws; the engines, RAG and sync declare theirs beside their code. */
export const RUNTIME_ERROR_CODES = ['HEARTH_DISPOSED', 'HEARTH_NOT_CONFIGURED'] as const;

export type RuntimeErrorCode = (typeof RUNTIME_ERROR_CODES)[number];

export function runtimeError(code: RuntimeErrorCode, message: string): HearthError {
  return new HearthError(code, message);
}

export function disposedError(what: string): HearthError {
  return runtimeError(
    'HEARTH_DISPOSED',
    `${what} was disposed; create a new one (createHearth, createChat, …) to use it again.`,
  );
}
