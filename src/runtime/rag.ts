import { connectApi, exposeApi, type RemoteApi } from '../core/rpc/index.ts';
import type { Embedder, EmbedOptions } from '../engines/embed/index.ts';
import type { RagApi, RagServiceOptions } from '../rag/index.ts';
import type { RagWorkerInit } from '../../workers/rag.worker.ts';

export interface PersistenceReport {
  persisted: boolean;
  /** Set when the browser refused: what that means for the user. */
  warning: string | null;
}

export interface RagClient {
  /** The document store and search, served by the RAG worker. */
  api: RemoteApi<RagApi>;
  persistence: PersistenceReport;
  terminate(): void;
}

export interface StartRagOptions extends RagServiceOptions {
  /** The embedder the store uses: the embedding worker's API, or any object with the contract. */
  embedder: Embedder | RemoteApi<Embedder>;
}

/**
 * Starts the RAG worker. Its embedder is served to it over a private channel from this page, so
 * the worker uses whatever embedder the runtime chose. Also asks the browser to keep stored
 * documents (navigator.storage.persist, a page-only API) and reports a refusal.
 */
export async function startRag(options: StartRagOptions): Promise<RagClient> {
  const { embedder, ...serviceOptions } = options;
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
  const worker = new Worker(new URL('../../workers/rag.worker.ts', import.meta.url), { type: 'module' });
  const init: RagWorkerInit = {
    type: 'hearth-rag-init',
    embedderPort: channel.port2,
    options: serviceOptions,
  };
  worker.postMessage(init, [channel.port2]);
  const handle = connectApi<RagApi>(worker);
  // Wait until the worker serves and its store is open, so that it hears other tabs from now on
  // (and an upgrade blocked by an old tab is reported here).
  await handle.api.listCollections();
  return {
    api: handle.api,
    persistence: await requestPersistence(),
    terminate: () => {
      handle.terminate();
      channel.port1.close();
    },
  };
}

export async function requestPersistence(): Promise<PersistenceReport> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) {
    return {
      persisted: false,
      warning:
        'This browser cannot keep storage persistent: it may evict stored documents when space runs low.',
    };
  }
  const persisted = (await storage.persisted()) || (await storage.persist().catch(() => false));
  return {
    persisted,
    warning: persisted
      ? null
      : 'The browser did not grant persistent storage: it may evict stored documents when space runs low. Installing the app or bookmarking it often helps.',
  };
}
