/**
 * Values that structured clone cannot carry (AbortSignal, callbacks, async iterables) cross the
 * worker boundary as a marker object that owns a MessagePort. Plain objects are searched for them,
 * so `{ signal, onProgress }` option bags work at any depth.
 */
export const MARK = '__hearthRpc';

export type MarkerKind = 'signal' | 'callback' | 'stream';

export interface Marker {
  [MARK]: MarkerKind;
  port: MessagePort;
  /** For 'signal': already aborted when sent. */
  aborted?: boolean;
  reason?: unknown;
}

export function isMarker(value: unknown): value is Marker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[MARK] === 'string'
  );
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Rebuilds `value` with every leaf that `replace` handles swapped out; untouched branches are kept by
 * reference so large arrays and typed arrays are not copied.
 */
export function mapLeaves(value: unknown, replace: (leaf: unknown) => unknown | typeof KEEP): unknown {
  const replaced = replace(value);
  if (replaced !== KEEP) return replaced;
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((item) => {
      const next = mapLeaves(item, replace);
      if (next !== item) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const next = mapLeaves(item, replace);
      if (next !== item) changed = true;
      out[key] = next;
    }
    return changed ? out : value;
  }
  return value;
}

export const KEEP: unique symbol = Symbol('keep');
