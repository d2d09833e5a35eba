import { HearthError } from '../core/errors.ts';

/** Error codes of adapter sync and feedback upload. */
export type SyncErrorCode =
  | 'ADAPTER_SERVER_UNREACHABLE'
  | 'ADAPTER_AUTH_FAILED'
  | 'ADAPTER_FORBIDDEN'
  | 'ADAPTER_SERVER_ERROR'
  | 'ADAPTER_MANIFEST_INVALID'
  | 'ADAPTER_DOWNLOAD_FAILED'
  | 'ADAPTER_VERIFY_FAILED'
  | 'ADAPTER_STORED_CORRUPT'
  | 'ADAPTER_NOT_FOUND'
  | 'ADAPTER_LOAD_FAILED'
  | 'FEEDBACK_CONSENT_REQUIRED'
  | 'FEEDBACK_INVALID'
  | 'FEEDBACK_FORBIDDEN'
  | 'FEEDBACK_UPLOAD_FAILED';

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
