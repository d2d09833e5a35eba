import { HearthError } from '../core/errors.ts';

/** The codes of adapter sync and feedback upload, each with what the user does about it. */
export const SYNC_ERROR_CODES = {
  ADAPTER_SERVER_UNREACHABLE:
    'The fine-tuning server cannot be reached: check its URL and that it runs; sync retries by itself.',
  ADAPTER_AUTH_FAILED: 'The server refused the API key: give a valid key (npm run server -- keys create).',
  ADAPTER_FORBIDDEN:
    "The API key may not do this: use a key with the needed scope (the page's key reads adapters only).",
  ADAPTER_SERVER_ERROR: 'The fine-tuning server failed: check its log, then try again.',
  ADAPTER_MANIFEST_INVALID:
    "The server's adapter manifest is malformed: update the server, or publish the adapter again.",
  ADAPTER_DOWNLOAD_FAILED:
    'An adapter file could not be downloaded: check the connection; the next sync tries again.',
  ADAPTER_VERIFY_FAILED:
    'A downloaded adapter file does not match its manifest: sync again; if it repeats, publish the adapter again.',
  ADAPTER_STORED_CORRUPT: 'A stored adapter is damaged: sync again to download it afresh.',
  ADAPTER_NOT_FOUND:
    'The server has no adapter of that name or version: check the name, or publish it first.',
  ADAPTER_LOAD_FAILED:
    'The engine refused the adapter: the message says why; check that it was trained for the loaded model.',
  FEEDBACK_CONSENT_REQUIRED:
    'Feedback is uploaded only with the consent of the person who wrote it: ask for consent first.',
  FEEDBACK_INVALID:
    'The feedback conversation is not a valid training example: fix the messages the error names.',
  FEEDBACK_FORBIDDEN:
    'The API key may not upload training data: use a training key (npm run server -- keys create --scope training).',
  FEEDBACK_UPLOAD_FAILED:
    'The feedback could not be uploaded: check the connection and the server, then try again.',
  TRAINING_JOB_REFUSED:
    'The server refused the training job: the message says which field; fix it (or pick another adapter name).',
  TRAINING_JOB_NOT_FOUND:
    'The server has no such job for this key: a training key sees only the jobs it created.',
  TRAINING_STREAM_LOST:
    "The job's progress stream kept breaking: the job goes on on the server; open it again later.",
} as const;

declare module '../core/errors.ts' {
  interface HearthErrorCodes extends Record<keyof typeof SYNC_ERROR_CODES, true> {}
}

export type SyncErrorCode = keyof typeof SYNC_ERROR_CODES;

export function syncError(
  code: SyncErrorCode,
  message: string,
  details?: unknown,
  cause?: unknown,
): HearthError {
  return new HearthError(code, message, { details, cause });
}

/** fetch() rejects with a TypeError when the network is down (browsers) or the socket fails (Node). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError;
}

/** The `error` object of an OpenAI-style error body, when there is one. */
export async function serverErrorOf(response: Response): Promise<{ code?: string; message?: string }> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    return body.error ?? {};
  } catch {
    return {};
  }
}
