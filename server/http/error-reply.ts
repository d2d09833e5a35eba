/**
 * Turns whatever a route threw into the HttpError the client gets. Client mistakes that reach us as library
 * errors (fastify's body parsers, busboy's multipart parser) become 4xx with a stable code; a full disk is a
 * storage error the operator can act on; only what is left is a 500 `internal_error`, logged with its stack.
 */
import { isHearthError } from '../../src/core/errors.ts';
import { isServerErrorCode } from '../errors.ts';
import { HttpError } from './errors.ts';

/** SQLite's "database or disk is full" and the kernel's "no space left on device" / "quota exceeded". */
export function isStorageFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

export function storageFullError(cause: unknown): HttpError {
  return new HttpError(
    507,
    'storage_full',
    'The server’s disk is full, so nothing was stored; free space on it (or raise its quota), then retry.',
    { cause },
  );
}

const CLIENT_CODE_BY_FASTIFY_CODE: Record<string, HttpError['code']> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'invalid_multipart',
};

export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (isStorageFull(error)) return storageFullError(error);
  if (isHearthError(error) && isServerErrorCode(error.code)) {
    return new HttpError(error.code.endsWith('_not_found') ? 404 : 409, error.code, error.message);
  }
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const fastifyCode = String((error as { code?: unknown }).code ?? '');
    const code =
      status === 413 ? 'request_too_large' : (CLIENT_CODE_BY_FASTIFY_CODE[fastifyCode] ?? 'invalid_request');
    return new HttpError(status === 406 ? 400 : status, code, (error as Error).message);
  }
  return null;
}
