import { HearthError } from '../../core/errors.ts';

/** Every refusal of an adapter's files: one code, a message that names the field or tensor at fault. */
export function adapterError(message: string): HearthError {
  return new HearthError('ADAPTER_INVALID', `Adapter refused: ${message}`);
}
