import { HearthError } from '../../core/errors.ts';

/** The codes of the A2A bridge, each with what the user does about it. */
export const A2A_ERROR_CODES = {
  A2A_UNREACHABLE:
    'The A2A agent cannot be reached: check its address and that it runs; if it does, its server may refuse this page (CORS).',
  A2A_CORS_REFUSED:
    "The A2A agent's server refuses this page (CORS): its operator must allow this origin; the message lists the headers.",
  A2A_AUTH_REQUIRED:
    'The A2A agent wants credentials: add a valid token for it (Authorization header) and try again.',
  A2A_CARD_INVALID:
    'No usable agent card at that address (/.well-known/agent-card.json): check the URL; the message says what is wrong.',
  A2A_CARD_REFUSED:
    'The agent card sends requests to another site than the one it came from: allow that origin only if you trust it.',
  A2A_TASK_FAILED:
    'The A2A agent gave up on the task: read its reason in the message, change the request, then try again.',
  A2A_STREAM_ENDED:
    "The agent's update stream ended before the task did, even after reconnecting: try later; the task may still finish.",
  A2A_UNKNOWN_EVENT:
    'The A2A agent sent an event of a kind Hearth does not know: it may speak a newer protocol; ask its operator.',
  A2A_PROTOCOL_ERROR:
    'The A2A agent answered with an error, or not in A2A: the message quotes it; check the agent, then try again.',
} as const;

declare module '../../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof A2A_ERROR_CODES, true> {}
}

export type A2AErrorCode = keyof typeof A2A_ERROR_CODES;

export function a2aError(
  code: A2AErrorCode,
  message: string,
  details?: unknown,
  cause?: unknown,
): HearthError {
  return new HearthError(code, message, { details, cause });
}
