import type { RemoteApi } from '../core/rpc/index.ts';
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

/** The chat capability, shaped like OpenAI's `client.chat`: `completions.create({ messages, stream, signal, … })`. */
export interface ChatApi {
  completions: ChatCompletions;
  capabilities(): Promise<EngineCapabilities>;
  /**
   * LoRA adapters on the loaded model: `adapters.load('name@version', { config, weights })`, then
   * `completions.create({ …, adapter: 'name@version' })`. A switch between requests needs no reload.
   */
  adapters: AdapterApi;
  /** Loads another model in the same engine (the previous one is released once the new one is ready). */
  load(options: LlmLoadOptions, progress?: LongOperationOptions): Promise<EngineCapabilities>;
  unload(): Promise<void>;
}

export type LlmRemote = RemoteApi<LlmService>;

/**
 * The chat capability over an engine reached through `engine()`, which may start it (createHearth)
 * or hand back one already loaded (createChat).
 */
export function chatApi(
  engine: () => Promise<LlmRemote>,
  lifecycle: Pick<ChatApi, 'load' | 'unload'>,
): ChatApi {
  return {
    completions: {
      create: (async (request: ChatCompletionRequest) =>
        (await engine()).create(request)) as ChatCompletions['create'],
    },
    capabilities: async () => (await engine()).capabilities(),
    adapters: {
      load: async (ref, files) => (await engine()).loadAdapter(ref, files),
      unload: async (ref) => (await engine()).unloadAdapter(ref),
      list: async () => (await engine()).listAdapters(),
    },
    ...lifecycle,
  };
}
