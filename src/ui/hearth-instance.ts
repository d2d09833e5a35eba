import type { Hearth } from '../runtime/index.ts';

/** The demo models bundled under public/models, loaded by the runtime on first use. */
export const demoModels = {
  chat: 'hearth-demo/tiny-llama-chat',
  embedder: 'hearth-demo/tiny-embed',
} as const;

let instance: Promise<Hearth> | undefined;

/**
 * The app's one Hearth, shared by every view, so that one chat engine, one embedder and one
 * document store serve them all. The runtime is fetched on the first call, not with the shell;
 * creating it starts no worker and loads no model (each loads when a call first needs it).
 */
export function getHearth(): Promise<Hearth> {
  instance ??= create().catch((error: unknown) => {
    instance = undefined; // a failed fetch of the runtime chunk can be retried
    throw error;
  });
  return instance;
}

const modelsBaseUrl = () => new URL('/models', location.href).href;

/** The chat model the app loads: the bundled demo model, on the device `auto` picks. */
export function chatModelConfig() {
  return {
    backend: 'ort',
    model: { baseUrl: modelsBaseUrl(), modelId: demoModels.chat },
    device: 'auto',
    overflow: 'truncate-oldest',
  } as const;
}

async function create(): Promise<Hearth> {
  const { createHearth } = await import('../runtime/index.ts');
  return createHearth({
    chat: chatModelConfig(),
    embedder: { model: { baseUrl: modelsBaseUrl(), modelId: demoModels.embedder } },
  });
}
