import { HearthError } from '../core/errors.ts';

/** The error for input a Hearth chat model cannot read: images, audio, files that are not text. */
export function textOnlyError(what: string): HearthError {
  return new HearthError(
    'UNSUPPORTED',
    `A Hearth chat model reads text only and cannot take ${what}: turn it into text before it reaches the model.`,
  );
}
