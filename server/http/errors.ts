/**
 * Errors the API returns, in OpenAI's shape (`{error: {message, type, param, code}}`) so existing clients
 * surface them. Every one is a HearthError with a stable code and an HTTP status.
 */
import { HearthError, type HearthErrorCode } from '../../src/core/errors.ts';

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  416: 'invalid_request_error',
  429: 'rate_limit_error',
};

export class HttpError extends HearthError {
  readonly status: number;
  readonly param: string | null;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { param?: string; details?: unknown } = {},
  ) {
    // HTTP errors carry the `code` of OpenAI's error body (fastify's own codes among them): an open
    // set, unlike the codes the server throws as HearthErrors (server/errors.ts).
    super(code as HearthErrorCode, message, { details: options.details });
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

export const notFound = (what: string, id: string): HttpError =>
  new HttpError(
    404,
    `${what}_not_found`,
    `No ${what.replaceAll('_', ' ')} with id '${id}' exists in this project.`,
  );

export const invalid = (message: string, param?: string, details?: unknown): HttpError =>
  new HttpError(400, 'invalid_request', message, { param, details });
