import { toHearthError } from '../../core/errors.ts';

export interface Explained {
  headline: string;
  message: string;
  code: string;
}

/** A headline a person recognises for the failures they can fix themselves; the error's own words after it. */
const HEADLINES: Record<string, string> = {
  ADAPTER_AUTH_FAILED: 'The server does not know this key (401)',
  ADAPTER_FORBIDDEN: 'This key may not do that (403): check its scope',
  FEEDBACK_FORBIDDEN: 'This key may not send training data (403): use a training key',
  ADAPTER_SERVER_UNREACHABLE: 'The fine-tuning server cannot be reached',
  FEEDBACK_UPLOAD_FAILED: 'The conversation could not be uploaded',
  ADAPTER_VERIFY_FAILED: 'A downloaded adapter does not match its hash',
  ADAPTER_STORED_CORRUPT: 'A stored adapter is damaged',
  TRAINING_JOB_REFUSED: 'The server refused the training job',
  TRAINING_STREAM_LOST: 'The progress stream was lost',
};

export function explain(error: unknown): Explained {
  const e = toHearthError(error);
  return { headline: HEADLINES[e.code] ?? 'Something went wrong', message: e.message, code: e.code };
}
