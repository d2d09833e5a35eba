import type { LongOperationOptions } from '../../core/progress.ts';
import type {
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatHandle,
  EngineCapabilities,
} from '../../runtime/index.ts';
import { adapterRefFor } from '../adapters/adapter-link.ts';
import { chatModelConfig, getHearth } from '../hearth-instance.ts';
import { readModelChoice } from '../model-choice.ts';

/**
 * The one place the chat view talks to an engine. Today it starts the demo model through
 * `createChat`; switching the app to `createHearth` changes only this file. The runtime (and with
 * it the worker and onnxruntime) is fetched when the first message is sent, not with the shell.
 */
export interface ChatEngineLink {
  /** Starts the engine and loads the model on first use (with progress); later calls return at once. */
  open(options?: LongOperationOptions): Promise<EngineCapabilities>;
  stream(request: ChatCompletionRequest): Promise<AsyncIterable<ChatCompletionChunk>>;
}

export type { ChatCompletionChunk, ChatCompletionRequest, EngineCapabilities };

export const demoModel = { baseUrl: '/models', modelId: 'hearth-demo/tiny-llama-chat' } as const;

export function createEngineLink(): ChatEngineLink {
  let opening: Promise<{ chat: ChatHandle; capabilities: EngineCapabilities }> | undefined;
  // The model and device chosen in the Models view when the engine was loaded: a new choice loads again.
  let loadedChoice = '';
  const start = async (options: LongOperationOptions) => {
    // The app's one Hearth: the chat engine is shared with the other views (documents, agents).
    const hearth = await getHearth();
    const capabilities = await hearth.chat.load(chatModelConfig(hearth.models.catalog()), options);
    return { chat: hearth.chat, capabilities };
  };
  const ready = (options: LongOperationOptions = {}) => {
    const choice = JSON.stringify(readModelChoice());
    if (choice !== loadedChoice) opening = undefined;
    loadedChoice = choice;
    opening ??= start(options).catch((error: unknown) => {
      opening = undefined; // a failed load can be retried
      throw error;
    });
    return opening;
  };
  return {
    // Asked afresh each time: the engine may have changed device since it loaded (a lost GPU moves it to WASM).
    open: async (options) => (await ready(options)).chat.capabilities(),
    stream: async ({ adapter, ...request }) => {
      const { chat } = await ready();
      // The conversation names an adapter; the engine takes the version on this device, loaded.
      const ref = adapter ? await adapterRefFor(adapter) : undefined;
      return chat.completions.create({ ...request, ...(ref ? { adapter: ref } : {}), stream: true });
    },
  };
}
