import type { RemoteApi } from '../core/rpc/index.ts';
import type { LongOperationOptions } from '../core/progress.ts';
import type { Embedder, EmbedderInfo } from '../engines/embed/index.ts';
import type { EmbedService, EmbedServiceLoadOptions } from '../engines/embed/index.ts';
import { connectEngine, embedWorkerHost, type EngineHost } from './engine-host.ts';
import type { Handle } from './handle.ts';

export type EmbedderHandle = Handle<Embedder>;

export type CreateEmbedderOptions = EmbedServiceLoadOptions &
  LongOperationOptions & {
    /** Where the embedder runs; default: a new dedicated worker (workers/embed.worker.ts). */
    engineHost?: EngineHost;
  };

export type EmbedRemote = RemoteApi<EmbedService>;

/** The Embedder contract over an embedding engine that `engine()` hands back loaded. */
export function embedderApi(engine: () => Promise<{ api: EmbedRemote; info: EmbedderInfo }>): Embedder {
  return {
    info: async () => (await engine()).info,
    embed: async (texts, options) => (await engine()).api.embed(texts, options),
    countTokens: async (texts) => (await engine()).api.countTokens(texts),
  };
}

/**
 * Starts an embedding engine (a worker unless `engineHost` says otherwise), loads the model in it,
 * and returns the embedder handle whose calls run there. Load errors (missing files, no WebGPU, …)
 * reject with their HearthError and stop the engine.
 *
 * ```ts
 * const embedder = await createEmbedder({ model: { baseUrl: '/models', modelId: 'hearth-demo/tiny-embed' } });
 * const [vector] = await embedder.embed(['hello'], { kind: 'query' });
 * embedder.dispose();
 * ```
 */
export async function createEmbedder(options: CreateEmbedderOptions): Promise<EmbedderHandle> {
  const { signal, onProgress, engineHost = embedWorkerHost, ...load } = options;
  const engine = connectEngine<EmbedService>(engineHost);
  let loaded: { api: EmbedRemote; info: EmbedderInfo };
  try {
    loaded = { api: engine.api, info: await engine.api.load(load, { signal, onProgress }) };
  } catch (error) {
    engine.close();
    throw error;
  }
  return { ...embedderApi(async () => loaded), dispose: () => engine.close() };
}
