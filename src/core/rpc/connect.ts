import * as Comlink from 'comlink';
import './errors-over-wire.ts';
import { abortError, HearthError } from '../errors.ts';
import { isMarker, KEEP, mapLeaves, MARK, type Marker } from './markers.ts';

/** What the caller sees of a worker API: every method is async; async iterables stay iterable. */
export type RemoteApi<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (
    ...args: infer A
  ) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export interface WorkerHandle<T> {
  api: RemoteApi<T>;
  /** Stops the worker; calls still pending reject with WORKER_FAILED. */
  terminate(): void;
  /**
   * The other side is gone without a word (a port whose engine stopped): pending calls and open
   * streams reject with `error`, and so do later calls. A dead port never answers, so without this
   * a stream in flight would wait forever.
   */
  abandon(error: HearthError): void;
  /** Settles with the error that ended the connection (a crash, terminate or abandon). */
  failed: Promise<HearthError>;
}

interface Sent {
  transfers: Transferable[];
  /** Runs when the call and any stream it returned are finished. */
  cleanups: Array<() => void>;
}

function sendSignal(signal: AbortSignal, sent: Sent): Marker {
  const { port1, port2 } = new MessageChannel();
  const onAbort = () => port1.postMessage({ reason: describeReason(signal.reason) });
  signal.addEventListener('abort', onAbort, { once: true });
  sent.transfers.push(port2);
  sent.cleanups.push(() => {
    signal.removeEventListener('abort', onAbort);
    port1.close();
  });
  return { [MARK]: 'signal', port: port2, aborted: signal.aborted, reason: describeReason(signal.reason) };
}

/** Abort reasons are often DOMExceptions or errors that cannot be cloned; send their message. */
function describeReason(reason: unknown): unknown {
  if (reason === undefined) return undefined;
  if (reason instanceof HearthError) return reason.message;
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : undefined;
}

function sendCallback(callback: (...args: unknown[]) => unknown, sent: Sent): Marker {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(callback, port1);
  sent.transfers.push(port2);
  sent.cleanups.push(() => port1.close());
  return { [MARK]: 'callback', port: port2 };
}

/** Each argument carries the ports of its own markers, as comlink transfers per argument. */
function encodeArguments(args: unknown[], sent: Sent): unknown[] {
  return args.map((arg) => {
    const before = sent.transfers.length;
    const encoded = mapLeaves(arg, (leaf) => {
      if (leaf instanceof AbortSignal) return sendSignal(leaf, sent);
      if (typeof leaf === 'function') return sendCallback(leaf as (...args: unknown[]) => unknown, sent);
      return KEEP;
    });
    const ports = sent.transfers.slice(before);
    return ports.length > 0 ? Comlink.transfer(encoded, ports) : encoded;
  });
}

interface ServedIterator {
  next(): Promise<IteratorResult<unknown>>;
  return(): Promise<IteratorResult<unknown>>;
}

async function* receiveStream(
  marker: Marker,
  finish: () => void,
  failed: Promise<never>,
): AsyncGenerator<unknown> {
  const remote = Comlink.wrap<ServedIterator>(marker.port);
  let done = false;
  try {
    while (true) {
      // A connection that fails mid-stream ends the stream with its error instead of a wait forever.
      const result = await Promise.race([remote.next(), failed]);
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } catch (error) {
    done = true;
    throw error;
  } finally {
    // The consumer stopped early (break/return): tell the producer so it can free the engine.
    if (!done) await Promise.race([remote.return(), failed]).catch(() => undefined);
    remote[Comlink.releaseProxy]();
    finish();
  }
}

/**
 * Connects to an API served with `exposeApi` on `endpoint` (a Worker or MessagePort).
 * Pending calls reject with a WORKER_FAILED HearthError if the worker crashes.
 */
export function connectApi<T>(
  endpoint: Comlink.Endpoint & Partial<Pick<Worker, 'terminate'>>,
): WorkerHandle<T> {
  const remote = Comlink.wrap<Record<string, (...args: unknown[]) => Promise<unknown>>>(endpoint);
  const pending = new Set<(error: HearthError) => void>();
  let failure: HearthError | undefined;
  let settleFailed!: (error: HearthError) => void;
  const failed = new Promise<HearthError>((resolve) => (settleFailed = resolve));
  // The same failure as a rejection, for streams to race against; never unhandled on its own.
  const failedStreams = failed.then((error) => Promise.reject(error));
  failedStreams.catch(() => undefined);

  const fail = (error: HearthError) => {
    failure ??= error;
    settleFailed(failure);
    for (const reject of pending) reject(error);
    pending.clear();
  };
  const onError = (event: Event) => {
    const message = (event as ErrorEvent).message || 'the worker script failed to load or crashed';
    fail(new HearthError('WORKER_FAILED', `Worker stopped: ${message}. Reload the page to start it again.`));
  };
  endpoint.addEventListener('error', onError);
  endpoint.addEventListener('messageerror', onError);

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    endpoint.removeEventListener('error', onError);
    endpoint.removeEventListener('messageerror', onError);
    remote[Comlink.releaseProxy]?.();
  };

  const call = (name: string, args: unknown[]): Promise<unknown> => {
    if (failure) return Promise.reject(failure);
    const sent: Sent = { transfers: [], cleanups: [] };
    const finish = () => sent.cleanups.forEach((cleanup) => cleanup());
    const encoded = encodeArguments(args, sent);
    return new Promise((resolve, reject) => {
      const rejectCall = (error: HearthError) => {
        finish();
        reject(error);
      };
      pending.add(rejectCall);
      remote[name]!(...encoded).then(
        (result) => {
          pending.delete(rejectCall);
          if (isMarker(result) && result[MARK] === 'stream')
            resolve(receiveStream(result, finish, failedStreams));
          else {
            finish();
            resolve(result);
          }
        },
        (error: unknown) => {
          pending.delete(rejectCall);
          finish();
          reject(error instanceof HearthError ? error : abortOrWrap(error));
        },
      );
    });
  };

  const api = new Proxy({} as RemoteApi<T>, {
    get(_target, property) {
      if (typeof property !== 'string' || property === 'then') return undefined;
      return (...args: unknown[]) => call(property, args);
    },
  });

  return {
    api,
    terminate() {
      endpoint.terminate?.();
      release();
      fail(new HearthError('WORKER_FAILED', 'The worker was stopped.'));
    },
    abandon(error) {
      release();
      fail(error);
    },
    failed,
  };
}

function abortOrWrap(error: unknown): HearthError {
  if (error instanceof DOMException && error.name === 'AbortError') return abortError(error.message);
  return new HearthError('WORKER_FAILED', error instanceof Error ? error.message : String(error));
}
