import * as Comlink from 'comlink';
import './errors-over-wire.ts';
import { abortError, HearthError } from '../errors.ts';
import { isAsyncIterable, isMarker, KEEP, mapLeaves, MARK, type Marker } from './markers.ts';

type Endpoint = Comlink.Endpoint;

/** Turns markers sent by the caller back into an AbortSignal and plain async callbacks. */
function reviveArguments(args: unknown[]): { args: unknown[]; dispose: () => void } {
  const cleanups: Array<() => void> = [];
  const revived = args.map((arg) =>
    mapLeaves(arg, (leaf) => {
      if (!isMarker(leaf)) return KEEP;
      if (leaf[MARK] === 'signal') return reviveSignal(leaf, cleanups);
      if (leaf[MARK] === 'callback') return reviveCallback(leaf, cleanups);
      return KEEP;
    }),
  );
  return { args: revived, dispose: () => cleanups.forEach((cleanup) => cleanup()) };
}

function reviveSignal(marker: Marker, cleanups: Array<() => void>): AbortSignal {
  const controller = new AbortController();
  if (marker.aborted) controller.abort(abortError(marker.reason));
  marker.port.onmessage = (event: MessageEvent<{ reason?: unknown }>) =>
    controller.abort(abortError(event.data.reason));
  cleanups.push(() => marker.port.close());
  return controller.signal;
}

function reviveCallback(marker: Marker, cleanups: Array<() => void>): (...args: unknown[]) => void {
  const remote = Comlink.wrap<(...args: unknown[]) => unknown>(marker.port);
  cleanups.push(() => remote[Comlink.releaseProxy]());
  // Progress callbacks are fire-and-forget: the worker never waits on the page.
  return (...callArgs: unknown[]) => {
    void Promise.resolve(remote(...callArgs)).catch(() => undefined);
  };
}

/** Serves an async iterable over its own port; the caller pulls one item per `next()`. */
function streamMarker(iterable: AsyncIterable<unknown>, onEnd: () => void): Marker {
  const iterator = iterable[Symbol.asyncIterator]();
  const { port1, port2 } = new MessageChannel();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const served = {
    async next(): Promise<IteratorResult<unknown>> {
      try {
        const result = await iterator.next();
        if (result.done) end();
        return result;
      } catch (error) {
        end();
        throw error;
      }
    },
    async return(): Promise<IteratorResult<unknown>> {
      try {
        return (await iterator.return?.()) ?? { done: true, value: undefined };
      } finally {
        end();
      }
    },
  };
  Comlink.expose(served, port1);
  return Comlink.transfer({ [MARK]: 'stream', port: port2 } satisfies Marker, [port2]);
}

/** The names of `T`'s public methods: the only names a worker can be asked to serve. */
export type MethodName<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T] &
  string;

/**
 * Serves the listed `methods` of `api` (an object or class instance) to whoever holds the other
 * end of `endpoint`, and nothing else: a caller cannot reach a method that is not in the list.
 * Methods may take AbortSignals and callbacks anywhere in their arguments and may return async
 * iterables; thrown HearthErrors keep their code.
 */
export function exposeApi<T extends object>(
  api: T,
  methods: readonly MethodName<T>[],
  endpoint: Endpoint = self as unknown as Endpoint,
): void {
  // A null prototype: names such as `toString` or `constructor` are not served by accident either.
  const wrapped: Record<string, (...args: unknown[]) => Promise<unknown>> = Object.create(null);
  for (const name of methods) {
    const value: unknown = api[name];
    if (typeof value !== 'function')
      throw new TypeError(`exposeApi: "${name}" is not a method of the served object`);
    const method = (value as (...args: unknown[]) => unknown).bind(api);
    wrapped[name] = async (...rawArgs: unknown[]) => {
      const { args, dispose } = reviveArguments(rawArgs);
      let result: unknown;
      try {
        result = await method(...args);
      } catch (error) {
        dispose();
        throw error;
      }
      if (isAsyncIterable(result)) return streamMarker(result, dispose);
      dispose();
      return result;
    };
  }
  // comlink looks a called name up on the served object: answer unknown names with a clear error
  // instead of its TypeError about `apply`.
  const served = new Proxy(wrapped, {
    get: (target, name) =>
      typeof name === 'string' && !(name in target) ? notServed(name, methods) : Reflect.get(target, name),
  });
  Comlink.expose(served, endpoint);
}

function notServed(name: string, methods: readonly string[]): () => never {
  return () => {
    throw new HearthError(
      'INTERNAL',
      `This worker does not serve "${name}"; it serves ${methods.join(', ')}. Call one of those.`,
    );
  };
}
