/**
 * Every code the fine-tuning server throws, declared once with what the caller does about it. The API returns
 * them in OpenAI's lower-case style (`error.code`); the union joins Hearth's closed list of codes.
 */
import { HearthError } from '../src/core/errors.ts';

export const SERVER_ERROR_CODES = {
  DATA_DIR_IN_USE: 'Another server uses this data folder; stop it or choose another HEARTH_DATA_DIR.',
  INVALID_CONFIG: 'Fix the named settings (environment or flags) and start the server again.',
  route_not_found: 'Check the method and path against the API table in server/README.md.',
  internal_error: 'Retry; if it persists, report it with the server log.',
  storage_full: 'The server’s disk is full; free space on it (or raise its quota), then retry.',
  invalid_request: 'Fix the named parameter and send the request again.',
  invalid_json: 'Send a well-formed JSON body (at most 64 levels deep).',
  invalid_multipart: 'Send a complete multipart/form-data body with a boundary.',
  unsupported_media_type: 'Send JSON (application/json) or, for uploads, multipart/form-data.',
  request_too_large: 'Send a smaller body; HEARTH_BODY_LIMIT_BYTES bounds JSON bodies.',
  missing_api_key: 'Send "Authorization: Bearer <key>"; `npm run server -- keys create` makes one.',
  invalid_api_key: 'Check the key, or create a new one.',
  insufficient_scope:
    'Use a key whose scope allows this endpoint (a full key, or a training key for uploads and jobs).',
  invalid_idempotency_key: 'Send an Idempotency-Key of 1 to 255 characters.',
  idempotency_key_reused: 'Use a new Idempotency-Key for a different request.',
  idempotency_key_in_progress: 'Retry shortly; the first request with this key is still running.',
  file_too_large: 'Split the file, or ask the operator to raise HEARTH_UPLOAD_LIMIT_BYTES.',
  file_not_found: 'Upload the file again; it was deleted.',
  file_in_use: 'Cancel the job that uses the file, or wait until it ends.',
  validation_busy: 'Retry in a minute; the server is validating many files at once.',
  model_not_found: 'Pick a base model from GET /v1/models.',
  fine_tuning_job_not_found: 'Check the job id; jobs are visible only to their own project.',
  job_not_cancellable: 'Nothing to do: the job already ended.',
  job_on_other_executor: 'Cancel the job from a server started with the executor that runs it.',
  adapter_not_found: 'Check the adapter id, or ask its owner to share it with your project.',
  adapter_file_not_found: 'Download one of the files the adapter’s manifest lists.',
  adapter_name_taken: 'Choose another suffix: the name belongs to another project.',
  project_not_found:
    'Create the project first (a key for it: `npm run server -- keys create --project NAME`).',
  range_not_satisfiable: 'Ask for a byte range inside the file.',
  executor_submit_failed: 'Check the executor settings (HEARTH_EXECUTOR, HEARTH_SLURM_*) and retry the job.',
  invalid_adapter: 'Retry the job; if it persists, report the trainer output.',
  publish_failed: 'Retry the job; the adapter could not be stored.',
} as const;

export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;

declare module '../src/core/errors.ts' {
  interface HearthErrorCodes extends Record<ServerErrorCode, true> {}
}

export function serverError(
  code: ServerErrorCode,
  message: string,
  options?: { cause?: unknown; details?: unknown },
): HearthError {
  return new HearthError(code, message, options);
}

export function isServerErrorCode(code: string): code is ServerErrorCode {
  return Object.hasOwn(SERVER_ERROR_CODES, code);
}
