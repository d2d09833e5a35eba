import * as Comlink from 'comlink';
import { HearthError, type HearthErrorShape } from '../errors.ts';

/**
 * Comlink's own 'throw' handler keeps only name, message and stack. Ours keeps the HearthError code
 * and details too, so a caller on the other side of a worker can branch on `error.code`.
 * Installed by importing this module; both sides of every channel import it through rpc/.
 */
const original = Comlink.transferHandlers.get('throw');
if (!original) throw new Error('comlink has no throw handler to extend');

interface WireThrown {
  isError: boolean;
  value: unknown;
}

function cloneable(details: unknown): unknown {
  if (details === undefined) return undefined;
  try {
    return structuredClone(details);
  } catch {
    return String(details);
  }
}

Comlink.transferHandlers.set('throw', {
  canHandle: original.canHandle,
  serialize(thrown: unknown): [WireThrown, Transferable[]] {
    const value = (thrown as { value: unknown }).value;
    if (value instanceof HearthError) {
      const shape: HearthErrorShape = {
        code: value.code,
        message: value.message,
        details: cloneable(value.details),
        stack: value.stack,
      };
      return [{ isError: true, value: { ...shape, hearth: true } }, []];
    }
    if (value instanceof Error) {
      return [{ isError: true, value: { name: value.name, message: value.message, stack: value.stack } }, []];
    }
    return [{ isError: false, value }, []];
  },
  deserialize(wire: unknown): never {
    const { isError, value } = wire as WireThrown;
    if (isError && (value as { hearth?: boolean }).hearth)
      throw HearthError.fromJSON(value as HearthErrorShape);
    if (isError) {
      const { name, message, stack } = value as { name: string; message: string; stack?: string };
      throw new HearthError('WORKER_FAILED', `${name}: ${message}`, { details: { name, stack } });
    }
    throw value;
  },
});
