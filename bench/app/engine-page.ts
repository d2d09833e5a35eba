import {
  createChat,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatHandle,
  type EngineCapabilities,
} from '../../src/runtime/index.ts';

/**
 * The two ends of `decode_ratio` in `npm run bench:app`, built into the same production build as the
 * app. On its own page (engine.html) this is the page without UI: it consumes the stream and
 * time-stamps each token as the main thread receives it. Loaded into the app's page, it gives the
 * Chat view an engine link over the same worker engine, time-stamps each token as the view takes it,
 * and watches the answer's DOM to learn when each token was painted.
 */

export interface AppBenchEngine {
  baseUrl: string;
  modelId: string;
  dtype: string;
  threads: number;
}

/** Forced on every request, in both pages: greedy, exactly `maxTokens` new tokens (EOS and ids without text biased away). */
export interface AppBenchSettings {
  maxTokens: number;
  logitBias: Record<string, number>;
}

export interface StreamRecord {
  /** performance.now() when the main thread took each chunk with text. */
  arrivals: number[];
  /** performance.now() of each change to the answer's DOM (app page only). */
  mutations: number[];
  text: string;
  messages: ChatCompletionRequest['messages'];
}

let chat: Promise<ChatHandle> | undefined;

function engine(config: AppBenchEngine): Promise<ChatHandle> {
  chat ??= createChat({
    backend: 'ort',
    model: { baseUrl: config.baseUrl, modelId: config.modelId },
    device: 'wasm',
    dtype: config.dtype,
    threads: config.threads,
    // Read over HTTP at each load: nothing of one page's run is kept for the other's.
    store: false,
  });
  return chat;
}

async function load(config: AppBenchEngine): Promise<EngineCapabilities> {
  return (await engine(config)).capabilities();
}

async function open(
  config: AppBenchEngine,
  settings: AppBenchSettings,
  messages: ChatCompletionRequest['messages'],
  signal?: AbortSignal,
): Promise<AsyncIterable<ChatCompletionChunk>> {
  const handle = await engine(config);
  return handle.completions.create({
    messages,
    temperature: 0,
    max_tokens: settings.maxTokens,
    logit_bias: settings.logitBias,
    stream: true,
    ...(signal ? { signal } : {}),
  });
}

/** Passes the chunks on, noting when the consumer took each one that carries text. */
async function* timed(
  stream: AsyncIterable<ChatCompletionChunk>,
  record: StreamRecord,
): AsyncIterable<ChatCompletionChunk> {
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta.content;
    if (delta) {
      record.arrivals.push(performance.now());
      record.text += delta;
    }
    yield chunk;
  }
}

/** The page without UI: the whole stream, read as fast as it comes. */
async function receive(
  config: AppBenchEngine,
  settings: AppBenchSettings,
  messages: ChatCompletionRequest['messages'],
): Promise<StreamRecord> {
  const record: StreamRecord = { arrivals: [], mutations: [], text: '', messages };
  for await (const chunk of timed(await open(config, settings, messages), record)) void chunk;
  return record;
}

let appRecord: StreamRecord | undefined;
let observer: MutationObserver | undefined;

/** Gives the app's Chat view this engine; each answer it streams is recorded for `takeAppRecord`. */
function installInApp(config: AppBenchEngine, settings: AppBenchSettings): void {
  const view = document
    .querySelector('hearth-app')
    ?.shadowRoot?.querySelector<HTMLElement & { engine: unknown }>('hearth-chat-view');
  if (!view) throw new Error('The Chat view is not in this page.');
  view.engine = {
    open: () => load(config),
    stream: async (request: ChatCompletionRequest) => {
      const record: StreamRecord = { arrivals: [], mutations: [], text: '', messages: request.messages };
      appRecord = record;
      // The view has rendered the (empty) answer before it asks for the stream.
      const answers = view.shadowRoot?.querySelectorAll('hearth-chat-message') ?? [];
      const body = answers[answers.length - 1]?.shadowRoot?.querySelector('.markdown');
      if (!body) throw new Error('The answer being written is not in the page.');
      observer?.disconnect();
      observer = new MutationObserver(() => record.mutations.push(performance.now()));
      observer.observe(body, { childList: true, subtree: true, characterData: true });
      return timed(await open(config, settings, request.messages, request.signal), record);
    },
  };
}

function takeAppRecord(): StreamRecord {
  observer?.disconnect();
  if (!appRecord) throw new Error('The Chat view has not streamed an answer yet.');
  return appRecord;
}

export interface AppBenchHarness {
  isolated: boolean;
  load: typeof load;
  receive: typeof receive;
  installInApp: typeof installInApp;
  takeAppRecord: typeof takeAppRecord;
}

const harness: AppBenchHarness = {
  isolated: globalThis.crossOriginIsolated,
  load,
  receive,
  installInApp,
  takeAppRecord,
};
Object.assign(globalThis, { appBench: harness });
