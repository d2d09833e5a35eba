import { connectApi, exposeApi, type RemoteApi } from '../core/rpc/index.ts';
import type { Embedder, EmbedOptions } from '../engines/embed/index.ts';
import { requestPersistence, type PersistenceReport } from '../models/persistence.ts';
import { RAG_METHODS, type RagApi, type RagServiceOptions, type RagWorkerInit } from '../rag/client.ts';
import type { Handle } from './handle.ts';

export type { PersistenceReport };

/** The document store and search (served by the RAG worker), and the browser's answer on keeping them. */
export type RagRemote = RemoteApi<RagApi>;

export interface RagStoreApi extends RagRemote {
  /** Whether the browser keeps stored documents under disk pressure (asked once, at start). */
  persistence(): Promise<PersistenceReport>;
}

export type RagHandle = Handle<RagStoreApi>;

export interface StartRagOptions extends RagServiceOptions {
  /** The embedder the store uses: an embedder handle, or any object with the contract. */
  embedder: Embedder | RemoteApi<Embedder>;
  /** Where the RAG worker runs; default: a new dedicated worker (workers/rag.worker.ts). */
  workerHost?: () => Worker;
}

const ragWorkerHost = () =>
  new Worker(new URL('../../workers/rag.worker.ts', import.meta.url), { type: 'module' });

/** Every RAG method, each calling through `store()`, which may start the worker first. */
export function ragApi(store: () => Promise<RagRemote>): RagRemote {
  return Object.fromEntries(
    RAG_METHODS.map((name) => [
      name,
      async (...args: unknown[]) => ((await store())[name] as (...a: unknown[]) => Promise<unknown>)(...args),
    ]),
  ) as unknown as RagRemote;
}

/**
 * Starts the RAG worker. Its embedder is served to it over a private channel from this page, so
 * the worker uses whatever embedder the runtime chose. Also asks the browser to keep stored
 * documents (navigator.storage.persist, a page-only API) and reports a refusal.
 */
export async function startRag(options: StartRagOptions): Promise<RagHandle> {
  const { embedder, workerHost = ragWorkerHost, ...serviceOptions } = options;
  const channel = new MessageChannel();
  exposeApi(
    {
      info: () => embedder.info(),
      embed: (texts: string[], embedOptions?: EmbedOptions) => embedder.embed(texts, embedOptions),
      countTokens: (texts: string[]) => embedder.countTokens(texts),
    },
    ['info', 'embed', 'countTokens'],
    channel.port1,
  );
  const worker = workerHost();
  const init: RagWorkerInit = {
    type: 'hearth-rag-init',
    embedderPort: channel.port2,
    options: serviceOptions,
  };
  worker.postMessage(init, [channel.port2]);
  const { api, terminate } = connectApi<RagApi>(worker);
  const dispose = () => {
    terminate();
    channel.port1.close();
  };
  try {
    // Wait until the worker serves and its store is open, so that it hears other tabs from now on
    // (and an upgrade blocked by an old tab is reported here).
    await api.listCollections();
  } catch (error) {
    dispose();
    throw error;
  }
  const persistence = await requestPersistence();
  return { ...ragApi(async () => api), persistence: async () => persistence, dispose };
}
