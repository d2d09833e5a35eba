import { createAgents, type AgentsApi, type AgentsOptions } from '../agent/index.ts';
import type { Progress } from '../core/progress.ts';
import type { EmbedService, EmbedServiceLoadOptions } from '../engines/embed/index.ts';
import type { LlmLoadOptions, LlmService } from '../engines/llm/service.ts';
import type { RagServiceOptions } from '../rag/index.ts';
import { AdapterSync, type AdapterSyncOptions } from '../sync/index.ts';
import { chatApi, type LlmRemote } from './chat-api.ts';
import type { ChatHandle } from './chat.ts';
import { embedderApi, type EmbedderHandle } from './embedder.ts';
import {
  connectEngine,
  embedWorkerHost,
  llmWorkerHost,
  type EngineConnection,
  type EngineHost,
} from './engine-host.ts';
import { disposedError, runtimeError } from './errors.ts';
import { lazy } from './lazy.ts';
import { createModels, type ModelsHandle } from './models.ts';
import { ragApi, startRag, type RagHandle } from './rag.ts';

export type HearthPart = 'chat' | 'embedder';

export type HearthProgress = Progress & { part: HearthPart };

export interface HearthAdapterConfig extends Omit<AdapterSyncOptions, 'host' | 'baseModel'> {
  /** The server's id of the base model; default: the chat model's id. */
  baseModel?: string;
}

export interface HearthConfig {
  /** The chat model, loaded on the first chat call (or name one later with `hearth.chat.load`). */
  chat?: LlmLoadOptions;
  /**
   * Where the LLM engine runs: called once when the engine first starts. Default: a dedicated worker.
   * Return a MessagePort to reach an engine served elsewhere (another tab, a SharedWorker).
   */
  engineHost?: EngineHost;
  /** The embedding model, loaded on the first embed (RAG ingest or search included). */
  embedder?: EmbedServiceLoadOptions;
  embedderHost?: EngineHost;
  /** Document store settings; the store embeds with `embedder`. */
  rag?: RagServiceOptions;
  /** Where the RAG worker runs; default: a dedicated worker (workers/rag.worker.ts). */
  ragHost?: () => Worker;
  /** LoRA adapter sync with a fine-tuning server, opened by `hearth.adapters()`. */
  adapters?: HearthAdapterConfig;
  /** Download and load progress of the lazily started models. */
  onProgress?: (progress: HearthProgress) => void;
  /** Agents (`hearth.agents`): they talk to `chat`; `search_documents` searches `rag` when an embedder is configured. */
  agents?: HearthAgentsConfig;
}

/** Settings of `hearth.agents`; the chat engine and the document store are wired in by the runtime. */
export type HearthAgentsConfig = Omit<AgentsOptions, 'model' | 'rag'>;

export interface Hearth {
  /** OpenAI-shaped chat: `hearth.chat.completions.create({ messages, stream })`. */
  chat: ChatHandle;
  embedder: EmbedderHandle;
  rag: RagHandle;
  /**
   * Agents on the local model: `agents.run({ pipeline, input })` streams events and resolves with
   * the answer; runs, approvals and traces are kept in IndexedDB (see src/agent/README.md).
   */
  agents: AgentsApi;
  /** The model store: catalog, downloads (pause, resume, cancel), storage; its worker starts on first use. */
  models: ModelsHandle;
  /**
   * Opens adapter sync on first call (stored adapters go to the chat engine, without the network). With
   * `settings` (a server URL and key chosen at run time, e.g. in an app's settings), the open sync is
   * stopped and one with those settings, over `config.adapters`, takes its place.
   */
  adapters(settings?: HearthAdapterConfig): Promise<AdapterSync>;
  /** Stops every worker and port; every call after this rejects with HEARTH_DISPOSED. */
  dispose(): void;
}

/**
 * The runtime in one object. Nothing loads until a call needs it: creating a Hearth starts no
 * worker and fetches no model, so a page can create it while its shell renders. Each piece keeps
 * the handle shape of its creator (createChat, createEmbedder, startRag); a piece's own
 * `dispose()` stops only that piece, and its next call starts it again.
 *
 * ```ts
 * const hearth = createHearth({
 *   chat: { backend: 'ort', model: { baseUrl: '/models', modelId: 'hearth-demo/tiny-llama-chat' } },
 * });
 * const reply = await hearth.chat.completions.create({ messages: [{ role: 'user', content: 'Hi' }] });
 * hearth.dispose();
 * ```
 */
export function createHearth(config: HearthConfig = {}): Hearth {
  let disposed = false;
  const alive = (what: string) => {
    if (disposed) throw disposedError(what);
  };
  const progressOf = (part: HearthPart) =>
    config.onProgress && ((progress: Progress) => config.onProgress!({ ...progress, part }));

  // Chat: the engine starts on the first call; the configured model loads unless `load` named another.
  let llm: EngineConnection<LlmService> | undefined;
  let llmReady: Promise<LlmRemote> | undefined;
  const startLlm = () => (llm ??= connectEngine<LlmService>(config.engineHost ?? llmWorkerHost));
  const loadChat = (options: LlmLoadOptions, onProgress = progressOf('chat'), signal?: AbortSignal) => {
    const engine = startLlm();
    const loading = engine.api.load(options, { onProgress, signal });
    const ready: Promise<LlmRemote> = loading.then(
      () => engine.api,
      (error: unknown) => {
        // Forgotten, so the next call loads again (unless a newer load took its place meanwhile).
        if (llmReady === ready) llmReady = undefined;
        throw error;
      },
    );
    // Whoever asked sees the failure; the shared promise must not also report it as unhandled.
    ready.catch(() => undefined);
    llmReady = ready;
    return loading;
  };
  const chatEngine = async (): Promise<LlmRemote> => {
    alive('This Hearth');
    if (llmReady) return llmReady;
    if (!config.chat)
      throw runtimeError(
        'HEARTH_NOT_CONFIGURED',
        'No chat model is configured: pass `chat` to createHearth, or call hearth.chat.load(…) first.',
      );
    void loadChat(config.chat).catch(() => undefined);
    return llmReady!;
  };
  const stopChat = () => {
    llm?.close();
    llm = undefined;
    llmReady = undefined;
  };
  const chat: ChatHandle = {
    ...chatApi(chatEngine, {
      load: async (options, progress = {}) => {
        alive('This Hearth');
        return loadChat(options, progress.onProgress, progress.signal);
      },
      unload: async () => {
        if (llmReady) await (await llmReady).unload();
        llmReady = undefined;
      },
    }),
    dispose: stopChat,
  };

  // Embedder: started and loaded on the first embed, info or countTokens.
  const embedding = lazy(async () => {
    alive('This Hearth');
    if (!config.embedder)
      throw runtimeError(
        'HEARTH_NOT_CONFIGURED',
        'No embedding model is configured: pass `embedder` to createHearth to use embeddings or RAG.',
      );
    const engine = connectEngine<EmbedService>(config.embedderHost ?? embedWorkerHost);
    try {
      const info = await engine.api.load(config.embedder, { onProgress: progressOf('embedder') });
      return { engine, api: engine.api, info };
    } catch (error) {
      engine.close();
      throw error;
    }
  });
  const stopEmbedder = () => embedding.reset(({ engine }) => engine.close());
  const embedder: EmbedderHandle = { ...embedderApi(() => embedding.get()), dispose: stopEmbedder };

  // RAG: the worker starts on the first call; it embeds through `embedder`, so listing collections
  // loads no embedding model.
  const store = lazy(async () => {
    alive('This Hearth');
    return startRag({ ...config.rag, embedder, workerHost: config.ragHost });
  });
  const stopRag = () => store.reset((started) => started.dispose());
  const rag: RagHandle = {
    ...ragApi(() => store.get()),
    persistence: async () => (await store.get()).persistence(),
    dispose: stopRag,
  };

  let adapterSettings = config.adapters;
  const sync = lazy(async () => {
    alive('This Hearth');
    const adapters = adapterSettings;
    const baseModel = adapters?.baseModel ?? chatModelId(config.chat);
    if (!adapters || !baseModel)
      throw runtimeError(
        'HEARTH_NOT_CONFIGURED',
        'Adapter sync needs `adapters` (server URL and key) and a chat model (or `adapters.baseModel`).',
      );
    return AdapterSync.open({
      ...adapters,
      baseModel,
      host: { load: (ref, files) => chat.adapters.load(ref, files) },
    });
  });

  // Agents open their database on first use; their model calls go through `chat`, which loads the
  // model on the first turn like any other chat call.
  const agents = createAgents({
    ...config.agents,
    model: { create: (request) => chat.completions.create(request) },
    ...(config.embedder ? { rag: { search: (request) => rag.search(request) } } : {}),
  });

  const models = createModels();
  return {
    chat,
    embedder,
    rag,
    agents,
    models,
    adapters: (settings) => {
      if (settings) {
        adapterSettings = { ...config.adapters, ...settings };
        sync.reset((started) => started.stop());
      }
      return sync.get();
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      agents.dispose();
      sync.reset((started) => started.stop());
      stopRag();
      stopEmbedder();
      stopChat();
      models.dispose();
    },
  };
}

function chatModelId(chat: LlmLoadOptions | undefined): string | undefined {
  if (!chat) return undefined;
  return chat.backend === 'ort' ? chat.model.modelId : chat.modelId;
}
