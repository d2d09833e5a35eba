import { connectApi } from '../core/rpc/index.ts';
import type { LongOperationOptions } from '../core/progress.ts';
import type {
  AdapterApi,
  ChatCompletionRequest,
  ChatCompletionsCreate,
  EngineCapabilities,
} from '../engines/llm/contract.ts';
import type { LlmLoadOptions, LlmService } from '../engines/llm/service.ts';

export interface ChatCompletions {
  create: ChatCompletionsCreate;
}

export interface ChatHandle {
  /** OpenAI-shaped: `chat.completions.create({ messages, stream, signal, ... })`. */
  chat: { completions: ChatCompletions };
  capabilities(): Promise<EngineCapabilities>;
  /**
   * LoRA adapters on the loaded model: `adapters.load('name@version', { config, weights })`, then
   * `create({ ..., adapter: 'name@version' })`. A switch between requests needs no reload.
   */
  adapters: AdapterApi;
  /** Loads another model in the same worker (the previous one is released). */
  load(options: LlmLoadOptions, progress?: LongOperationOptions): Promise<EngineCapabilities>;
  unload(): Promise<void>;
  /** Stops the worker; calls still pending reject with WORKER_FAILED. */
  terminate(): void;
}

export type CreateChatOptions = LlmLoadOptions & LongOperationOptions;

/**
 * Starts an LLM worker, loads the model in it, and returns an OpenAI-like client whose calls run
 * there. Streams arrive chunk by chunk; an AbortSignal in the request stops generation in the worker.
 * Load errors reject with their HearthError and stop the worker.
 *
 * ```ts
 * const llm = await createChat({ backend: 'ort', model: { baseUrl: '/models', modelId: 'hearth-demo/tiny-llama-chat' } });
 * for await (const chunk of await llm.chat.completions.create({ messages, stream: true })) {
 *   output += chunk.choices[0].delta.content ?? '';
 * }
 * ```
 */
export async function createChat(options: CreateChatOptions): Promise<ChatHandle> {
  const worker = new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module' });
  const { api, terminate } = connectApi<LlmService>(worker);
  const { signal, onProgress, ...load } = options;
  try {
    await api.load(load, { signal, onProgress });
  } catch (error) {
    terminate();
    throw error;
  }
  return {
    chat: {
      completions: {
        create: ((request: ChatCompletionRequest) => api.create(request)) as ChatCompletions['create'],
      },
    },
    capabilities: () => api.capabilities(),
    adapters: {
      load: (ref, files) => api.loadAdapter(ref, files),
      unload: (ref) => api.unloadAdapter(ref),
      list: () => api.listAdapters(),
    },
    load: (next, progress = {}) => api.load(next, progress),
    unload: () => api.unload(),
    terminate,
  };
}
