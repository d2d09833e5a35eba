import type { HearthError } from '../core/errors.ts';
import { connectApi, type RemoteApi } from '../core/rpc/index.ts';

/**
 * Where an engine runs, as seen from the page: anything that speaks structured-clone messages. A
 * dedicated Worker is the default; a MessagePort lets the engine live elsewhere (another tab, a
 * SharedWorker, an iframe) without the runtime knowing — the other end serves it with `exposeApi`.
 */
export type EngineEndpoint = Worker | MessagePort;

/**
 * Called when the engine first starts, and again after the engine behind the last endpoint was
 * lost (see `reportEngineLoss`); returns a fresh endpoint.
 */
export type EngineHost = () => EngineEndpoint;

export const llmWorkerHost: EngineHost = () =>
  new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module' });

export const embedWorkerHost: EngineHost = () =>
  new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module' });

export interface EngineConnection<T> {
  api: RemoteApi<T>;
  /** Stops a worker, or closes a port (the engine behind it keeps running for its other users). */
  close(): void;
  /** Settles when the connection ends: closed, crashed, or its engine reported lost. */
  ended: Promise<HearthError>;
}

/**
 * A port says nothing when the engine at its other end stops. A host that can tell (a SharedWorker
 * host watching the engine's Web Lock) hands its endpoint here with a promise of the error; the
 * connection then fails what is pending with that error, and the runtime starts a new engine on its
 * next call.
 */
const losses = new WeakMap<EngineEndpoint, Promise<HearthError>>();

export function reportEngineLoss<E extends EngineEndpoint>(endpoint: E, lost: Promise<HearthError>): E {
  losses.set(endpoint, lost);
  return endpoint;
}

export function connectEngine<T>(host: EngineHost): EngineConnection<T> {
  const endpoint = host();
  const handle = connectApi<T>(endpoint);
  void losses.get(endpoint)?.then((error) => handle.abandon(error));
  return {
    api: handle.api,
    close() {
      handle.terminate();
      if (endpoint instanceof MessagePort) endpoint.close();
    },
    ended: handle.failed,
  };
}
