import { connectApi } from '../core/rpc/index.ts';
import type { LongOperationOptions } from '../core/progress.ts';
import type {
  Embedder,
  EmbedderInfo,
  EmbedService,
  EmbedServiceLoadOptions,
} from '../engines/embed/index.ts';

export interface EmbedderHandle extends Embedder {
  /** Stops the worker; calls still pending reject with WORKER_FAILED. */
  terminate(): void;
}

export type CreateEmbedderOptions = EmbedServiceLoadOptions & LongOperationOptions;

/**
 * Starts an embedding worker, loads the model in it, and returns an `Embedder` whose calls run there.
 * Load errors (missing files, no WebGPU, …) reject with their HearthError and stop the worker.
 *
 * ```ts
 * const embedder = await createEmbedder({ model: { baseUrl: '/models', modelId: 'hearth-demo/tiny-embed' } });
 * const [vector] = await embedder.embed(['hello'], { kind: 'query' });
 * ```
 */
export async function createEmbedder(options: CreateEmbedderOptions): Promise<EmbedderHandle> {
  const worker = new Worker(new URL('../../workers/embed.worker.ts', import.meta.url), { type: 'module' });
  const { api, terminate } = connectApi<EmbedService>(worker);
  const { signal, onProgress, ...load } = options;
  let info: EmbedderInfo;
  try {
    info = await api.load(load, { signal, onProgress });
  } catch (error) {
    terminate();
    throw error;
  }
  return {
    info: async () => info,
    embed: (texts, embedOptions) => api.embed(texts, embedOptions),
    countTokens: (texts) => api.countTokens(texts),
    terminate,
  };
}
