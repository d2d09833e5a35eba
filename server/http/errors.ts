/**
 * Errors the API returns, in OpenAI's shape (`{error: {message, type, param, code}}`) so existing clients
 * surface them. Every one is a HearthError with a stable code and an HTTP status.
 */
import { HearthError } from '../../src/core/errors.ts';
import type { ServerErrorCode } from '../errors.ts';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  507: 'server_error',
  413: 'invalid_request_error',
  416: 'invalid_request_error',
  429: 'rate_limit_error',
};

export class HttpError extends HearthError {
  declare readonly code: ServerErrorCode;
  readonly status: number;
  readonly param: string | null;

  constructor(
    status: number,
    code: ServerErrorCode,
    message: string,
    options: { param?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(code, message, { details: options.details, cause: options.cause });
    this.status = status;
    this.param = options.param ?? null;
  }
}

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string; details?: unknown };
}

export function errorBody(error: HttpError): ErrorBody {
  const body: ErrorBody = {
    error: {
      message: error.message,
      type: TYPE_BY_STATUS[error.status] ?? (error.status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: error.param,
      code: error.code,
    },
  };
  if (error.details !== undefined) body.error.details = error.details;
  return body;
}

export const notFound = (what: 'file' | 'fine_tuning_job' | 'model', id: string): HttpError =>
  new HttpError(
    404,
    `${what}_not_found`,
    `No ${what.replaceAll('_', ' ')} with id '${id}' exists in this project.`,
  );

export const invalid = (message: string, param?: string, details?: unknown): HttpError =>
  new HttpError(400, 'invalid_request', message, { param, details });
