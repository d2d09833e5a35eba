import type { Hearth, ModelListing } from '../runtime/index.ts';
import { readModelChoice, type ModelChoice } from './model-choice.ts';
import { reportOutdatedTab } from './shell/outdated-tab.ts';

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

/**
 * Where a model's files come from: the mirror the person set in the Models view, else the
 * catalog's own server (the app's `/models` for the bundled demo models). The store keys files by
 * model and revision, not by server, so a model downloaded in the Models view is the one loaded.
 */
export function modelSource(catalog: readonly ModelListing[], modelId: string, choice = readModelChoice()) {
  const listed = catalog.find((model) => model.id === modelId);
  const base = choice.mirror ?? listed?.baseUrl ?? '/models';
  return {
    baseUrl: new URL(base, location.href).href,
    modelId,
    ...(listed ? { revision: listed.revision } : {}),
  };
}

/** The chat model the app loads: the one chosen in the Models view (the demo model by default), on the chosen device. */
export function chatModelConfig(catalog: readonly ModelListing[], choice: ModelChoice = readModelChoice()) {
  return {
    backend: 'ort',
    model: modelSource(catalog, choice.chatModel, choice),
    device: choice.device,
    overflow: 'truncate-oldest',
  } as const;
}

/** The embedding model Documents uses; it is read when the app starts, so a new choice applies after a reload. */
export function embedderConfig(catalog: readonly ModelListing[], choice: ModelChoice = readModelChoice()) {
  return { model: modelSource(catalog, choice.embedModel, choice), device: choice.device };
}

async function create(): Promise<Hearth> {
  const [{ createHearth, listCatalog }, { canShareEngine, sharedEngineHost }] = await Promise.all([
    import('../runtime/index.ts'),
    // Not in the runtime's index: the library (src/index.ts) would carry the SharedWorker's file unused.
    import('../runtime/shared-engine-host.ts'),
  ]);
  const catalog = listCatalog();
  const hearth = createHearth({
    chat: chatModelConfig(catalog),
    embedder: embedderConfig(catalog),
    // Every tab of the app uses one chat engine, where the browser has SharedWorker.
    ...(canShareEngine() ? { engineHost: sharedEngineHost() } : {}),
  });
  void watchDocumentStore(hearth);
  return hearth;
}

/** The document store says when a newer version upgraded it in another tab; the shell then asks for a reload. */
async function watchDocumentStore(hearth: Hearth): Promise<void> {
  try {
    for await (const event of await hearth.rag.events())
      if (event.type === 'outdated') reportOutdatedTab('hearth-rag');
  } catch {
    // The store stopped (the Hearth was disposed): nothing more to watch.
  }
}
