import { connectApi, type RemoteApi } from '../core/rpc/index.ts';

/**
 * Where an engine runs, as seen from the page: anything that speaks structured-clone messages. A
 * dedicated Worker is the default; a MessagePort lets the engine live elsewhere (another tab, a
 * SharedWorker, an iframe) without the runtime knowing — the other end serves it with `exposeApi`.
 */
export type EngineEndpoint = Worker | MessagePort;

/** Called once per engine start; returns a fresh endpoint. */
export type EngineHost = () => EngineEndpoint;

export const llmWorkerHost: EngineHost = () =>
  new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module' });

export const embedWorkerHost: EngineHost = () =>
  new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module' });

export interface EngineConnection<T> {
  api: RemoteApi<T>;
  /** Stops a worker, or closes a port (the engine behind it keeps running for its other users). */
  close(): void;
}

export function connectEngine<T>(host: EngineHost): EngineConnection<T> {
  const endpoint = host();
  const { api, terminate } = connectApi<T>(endpoint);
  return {
    api,
    close() {
      terminate();
      if (endpoint instanceof MessagePort) endpoint.close();
    },
  };
}
