import { HearthError } from '../../core/errors.ts';

/** The codes <hearth-chat> itself reports (in its `error` event and from `send`). */
export const HEARTH_CHAT_ERROR_CODES = {
  HEARTH_CHAT_INVALID_ATTRIBUTE:
    'An attribute or property of <hearth-chat> has a value it cannot use: the message names it and what it expects.',
  HEARTH_CHAT_ENGINE_CONFLICT:
    'Every <hearth-chat> on a page shares one engine, which runs one model: give this one the same model, device and server as the others, or remove them first.',
  HEARTH_CHAT_BUSY: 'This <hearth-chat> is still answering: wait for the answer, or call stop() first.',
  HEARTH_CHAT_AGENT_UNAVAILABLE:
    'This build of Hearth runs no agent pipelines yet: remove the `agent` attribute to chat with the model.',
} as const;

export type HearthChatErrorCode = keyof typeof HEARTH_CHAT_ERROR_CODES;

declare module '../../core/errors.ts' {
  interface HearthErrorCodes extends Record<HearthChatErrorCode, true> {}
}

export function hearthChatError(code: HearthChatErrorCode, message: string, details?: unknown): HearthError {
  return new HearthError(code, message, details === undefined ? undefined : { details });
}
