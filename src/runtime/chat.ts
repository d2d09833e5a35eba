import type { LongOperationOptions } from '../core/progress.ts';
import type { LlmLoadOptions, LlmService } from '../engines/llm/service.ts';
import { chatApi, type ChatApi } from './chat-api.ts';
import { connectEngine, llmWorkerHost, type EngineHost } from './engine-host.ts';
import type { Handle } from './handle.ts';

export type ChatHandle = Handle<ChatApi>;

export type CreateChatOptions = LlmLoadOptions &
  LongOperationOptions & {
    /** Where the engine runs; default: a new dedicated worker (workers/llm.worker.ts). */
    engineHost?: EngineHost;
  };

/**
 * Starts an LLM engine (a worker unless `engineHost` says otherwise), loads the model in it, and
 * returns the chat handle whose calls run there. Streams arrive chunk by chunk; an AbortSignal in the
 * request stops generation in the engine. Load errors reject with their HearthError and stop the engine.
 *
 * ```ts
 * const chat = await createChat({ backend: 'ort', model: { baseUrl: '/models', modelId: 'hearth-demo/tiny-llama-chat' } });
 * for await (const chunk of await chat.completions.create({ messages, stream: true })) {
 *   output += chunk.choices[0].delta.content ?? '';
 * }
 * chat.dispose();
 * ```
 */
export async function createChat(options: CreateChatOptions): Promise<ChatHandle> {
  const { signal, onProgress, engineHost = llmWorkerHost, ...load } = options;
  const engine = connectEngine<LlmService>(engineHost);
  const { api } = engine;
  try {
    await api.load(load, { signal, onProgress });
  } catch (error) {
    engine.close();
    throw error;
  }
  return {
    ...chatApi(async () => api, {
      load: (next, progress = {}) => api.load(next, progress),
      unload: () => api.unload(),
    }),
    dispose: () => engine.close(),
  };
}
