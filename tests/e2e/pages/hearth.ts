import { createChat, createHearth, type Hearth, type HearthConfig } from '../../../src/index.ts';

// Drives createHearth with the bundled demo models through real workers; the spec watches which
// workers start and which files are fetched.
const baseUrl = `${location.origin}/models`;
const chatModel = { baseUrl, modelId: 'hearth-demo/tiny-llama-chat' };
const question = [{ role: 'user' as const, content: 'What is Hearth?' }];

let hearth: Hearth | undefined;

const errorOf = (error: unknown) => {
  const { code, message } = error as { code?: string; message: string };
  return { code, message };
};

/**
 * An engine host that is a MessagePort: the engine's worker sits behind a relay that only forwards
 * messages (and the ports they carry), as a tab or SharedWorker serving the engine would.
 */
function relayedHost(): MessagePort {
  const worker = new Worker(new URL('../../../workers/llm.worker.ts', import.meta.url), { type: 'module' });
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = (event) => worker.postMessage(event.data, [...event.ports]);
  worker.onmessage = (event) => port2.postMessage(event.data, [...event.ports]);
  return port1;
}

function create(options: { chat?: boolean; port?: boolean; embedder?: boolean } = {}) {
  hearth?.dispose();
  const config: HearthConfig = {
    rag: { databaseName: `hearth-facade-${Date.now()}` },
  };
  if (options.chat !== false)
    config.chat = { backend: 'ort', model: chatModel, device: 'wasm', dtype: 'fp32' };
  if (options.port) config.engineHost = relayedHost;
  if (options.embedder !== false)
    config.embedder = { model: { baseUrl, modelId: 'hearth-demo/tiny-embed' }, device: 'wasm' };
  hearth = createHearth(config);
}

function current(): Hearth {
  if (!hearth) throw new Error('call create() first');
  return hearth;
}

async function greedy(adapter?: string) {
  const completion = await current().chat.completions.create({
    messages: question,
    temperature: 0,
    max_tokens: 12,
    ...(adapter ? { adapter } : {}),
  });
  return completion.choices[0]!.message.content;
}

/**
 * Adapter sync through the facade with a server chosen at run time: one sync pass, then the same question
 * with and without the adapter it made current. `hearth.adapters()` without settings is the same sync.
 */
async function syncAdapters(settings: { baseUrl: string; apiKey: string }, name: string) {
  const hearth = current();
  const sync = await hearth.adapters(settings);
  const opened = sync.currentAll(); // what the device had stored, handed over without the network
  const report = await sync.sync();
  const ref = sync.resolve(name);
  return {
    opened,
    report,
    ref,
    same: (await hearth.adapters()) === sync,
    engine: (await hearth.chat.adapters.list()).map((adapter) => adapter.ref),
    base: await greedy(),
    adapted: await greedy(ref),
  };
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The same request through createChat in its own worker: what the facade must answer too. With `adapter`,
 * a fixture adapter's files (tests/fixtures/adapters/<adapter>) are loaded by hand and the request names it.
 */
async function direct(adapter?: string) {
  const chat = await createChat({ backend: 'ort', model: chatModel, device: 'wasm', dtype: 'fp32' });
  try {
    if (adapter) {
      const dir = `/tests/fixtures/adapters/${adapter}`;
      await chat.adapters.load(`${adapter}@1`, {
        config: await fetchBytes(`${dir}/adapter_config.json`),
        weights: await fetchBytes(`${dir}/adapter_model.safetensors`),
      });
    }
    const completion = await chat.completions.create({
      messages: question,
      temperature: 0,
      max_tokens: 12,
      ...(adapter ? { adapter: `${adapter}@1` } : {}),
    });
    return completion.choices[0]!.message.content;
  } finally {
    chat.dispose();
  }
}

Object.assign(globalThis, {
  harness: {
    create,
    greedy,
    direct,
    capabilities: () => current().chat.capabilities(),
    listCollections: () => current().rag.listCollections(),
    embedDimensions: async () => (await current().embedder.embed(['hello'])).map((v) => v.length),
    dispose: () => current().dispose(),
    syncAdapters,
    /** Opens adapter sync and makes one pass, or says why it could not. */
    adapterFailure: (settings?: { baseUrl: string; apiKey: string }) =>
      current()
        .adapters(settings)
        .then((sync) => sync.sync())
        .then(() => null, errorOf),
    attempt: async (what: 'chat' | 'embed' | 'rag') => {
      const work = {
        chat: () => greedy(),
        embed: () => current().embedder.embed(['hello']),
        rag: () => current().rag.listCollections(),
      }[what];
      return work().then(() => null, errorOf);
    },
  },
});
document.title = 'hearth harness ready';
