import type {
  AdapterSync,
  ChatHandle,
  EngineCapabilities,
  Hearth,
  HearthConfig,
  HearthProgress,
  SearchResult,
} from '../../runtime/index.ts';
import type * as RuntimeModule from '../../runtime/index.ts';
import type * as HostsModule from '../../runtime/portable-workers.ts';
import type { HearthChatConfig } from './config.ts';
import { hearthChatError } from './errors.ts';

/**
 * One engine for every <hearth-chat> on a page: one LLM worker with one model loaded, and (for
 * documents) one embedder and one document store. The elements take turns in it: the engine runs
 * one request at a time, in the order they come.
 *
 * The first element to start fixes each piece: the chat model with its server and device; the
 * embedding model with its server and device, once an element asks for documents; the adapter
 * server and key, once an element names an adapter. An element that asks for another value of a
 * piece in use fails with HEARTH_CHAT_ENGINE_CONFLICT (no second model is loaded behind the page's
 * back, and no model is swapped under an answer). A piece nobody holds any more is stopped, so the
 * next element starts it with its own settings.
 */

/** What the element gets: the shared chat engine, and documents and adapters when it asked for them. */
export interface EngineLease {
  chat: Promise<ChatHandle>;
  /** Resolves once the chat model is loaded. */
  capabilities: Promise<EngineCapabilities>;
  /** The best passages of `collection` (an id or a name) for `query`. */
  search(collection: string, query: string, k: number): Promise<SearchResult[]>;
  /** The `name@version` the engine takes for an adapter name, loaded in the engine. */
  adapterRef(name: string): Promise<string>;
  release(): void;
}

export interface EngineHolder {
  progress(progress: HearthProgress): void;
}

type Runtime = typeof RuntimeModule;
type Hosts = typeof HostsModule;

let runtime: Promise<[Runtime, Hosts]> | undefined;

/** The runtime is fetched when the first element starts, not with the element's own script. */
function loadRuntime(): Promise<[Runtime, Hosts]> {
  runtime ??= Promise.all([
    import('../../runtime/index.ts'),
    import('../../runtime/portable-workers.ts'),
  ]).catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

interface Piece<T> {
  /** The settings that fixed it, compared with each newcomer's. */
  key: string;
  /** Said in a conflict: what the page's engine runs. */
  label: string;
  holders: Set<EngineHolder>;
  value: T;
  stop(value: T): void;
}

interface ChatPiece {
  hearth: Promise<Hearth>;
  capabilities: Promise<EngineCapabilities>;
  /** Its model failed to load: the next element to take it starts it again. */
  failed?: boolean;
}

const pieces: {
  chat?: Piece<ChatPiece>;
  docs?: Piece<Promise<Hearth>>;
  adapters?: Piece<Promise<AdapterSync>>;
} = {};

/** Which model a piece runs, in words and as a key (relative base URLs are the script's own server). */
function chatSettings(config: HearthChatConfig) {
  const key = JSON.stringify([config.model, config.modelsBaseUrl ?? '', config.device]);
  return { key, label: `${config.model} on ${config.device}` };
}

export function acquireEngine(holder: EngineHolder, config: HearthChatConfig): EngineLease {
  const chatKey = chatSettings(config);
  const docsKey = config.embeddingModel
    ? {
        key: JSON.stringify([config.embeddingModel, config.modelsBaseUrl ?? '', config.device]),
        label: `${config.embeddingModel} on ${config.device}`,
      }
    : undefined;
  const adapterKey =
    config.apiBaseUrl && config.apiKey
      ? {
          // Adapters live in the chat engine: another engine is another piece.
          key: JSON.stringify([chatKey.key, config.apiBaseUrl, config.apiKey]),
          label: `adapters from ${config.apiBaseUrl}`,
        }
      : undefined;
  // Checked before anything is taken, so a conflict leaves the page's engine as it was.
  ensureNoConflict('chat', 'model', chatKey);
  if (docsKey) ensureNoConflict('docs', 'embedding-model', docsKey);
  if (adapterKey) ensureNoConflict('adapters', 'api-base-url', adapterKey);

  const chat = take('chat', holder, chatKey, () => startChat(config), stopChat);
  const docs = docsKey && take('docs', holder, docsKey, () => startDocs(config), stopHearth);
  const adapters =
    adapterKey &&
    take(
      'adapters',
      holder,
      adapterKey,
      () => openAdapters(chat, config),
      (sync) => void sync.then((started) => started.stop()).catch(() => undefined),
    );

  let released = false;
  return {
    chat: chat.hearth.then((hearth) => hearth.chat),
    capabilities: chat.capabilities,
    async search(collection, query, k) {
      if (!docs)
        throw hearthChatError('HEARTH_CHAT_INVALID_ATTRIBUTE', 'Set `embedding-model` to search documents.');
      const hearth = await docs;
      const collections = await hearth.rag.listCollections();
      const found =
        collections.find((c) => c.id === collection) ?? collections.find((c) => c.name === collection);
      if (!found)
        throw hearthChatError(
          'HEARTH_CHAT_INVALID_ATTRIBUTE',
          `<hearth-chat> collection: this site's document store has no collection "${collection}" (by id or name).`,
          { attribute: 'collection' },
        );
      return hearth.rag.search({ query, mode: 'hybrid', k, collectionIds: [found.id] });
    },
    async adapterRef(name) {
      if (!adapters)
        throw hearthChatError(
          'HEARTH_CHAT_INVALID_ATTRIBUTE',
          'Set `api-base-url` and `apiKey` to use an adapter.',
        );
      const sync = await adapters;
      // Not on this device yet: one sync now (the background one may not have run).
      if (!sync.current(name)) await sync.sync();
      const ref = sync.resolve(name);
      const loaded = await (await chat.hearth).chat.adapters.list();
      if (loaded.some((adapter) => adapter.ref === ref)) return ref;
      // The engine lost its adapters (a model reload after a lost GPU): a new sync hands them over again.
      const reopened = openAdapters(chat, config);
      if (pieces.adapters?.value === adapters) pieces.adapters.value = reopened;
      return (await reopened).resolve(name);
    },
    release() {
      if (released) return;
      released = true;
      for (const name of ['adapters', 'docs', 'chat'] as const) leave(name, holder);
    },
  };
}

function ensureNoConflict(
  name: keyof typeof pieces,
  attribute: string,
  wanted: { key: string; label: string },
): void {
  const piece = pieces[name];
  if (!piece || piece.holders.size === 0 || piece.key === wanted.key) return;
  throw hearthChatError(
    'HEARTH_CHAT_ENGINE_CONFLICT',
    `Another <hearth-chat> on this page runs ${piece.label}; this one asks for ${wanted.label}. One page runs one engine: give both the same \`${attribute}\` (and \`device\`, \`models-base-url\`), or remove the other first.`,
    { attribute, running: piece.label, wanted: wanted.label },
  );
}

function take<K extends keyof typeof pieces>(
  name: K,
  holder: EngineHolder,
  wanted: { key: string; label: string },
  start: () => NonNullable<(typeof pieces)[K]>['value'],
  stop: (value: NonNullable<(typeof pieces)[K]>['value']) => void,
): NonNullable<(typeof pieces)[K]>['value'] {
  type P = NonNullable<(typeof pieces)[K]>;
  let piece = pieces[name] as P | undefined;
  if (piece && (piece.key !== wanted.key || (piece.value as { failed?: boolean }).failed)) {
    // Nobody holds it (ensureNoConflict said so), or its model failed to load: it starts afresh.
    piece.stop(piece.value as never);
    piece = undefined;
  }
  if (!piece) {
    piece = { ...wanted, holders: new Set(), value: start(), stop } as P;
    (pieces as Record<K, P>)[name] = piece;
  }
  piece.holders.add(holder);
  return piece.value;
}

/**
 * An element moved in the page is disconnected and connected again in one task: the piece is
 * stopped only if nobody took it back by the next microtask.
 */
function leave(name: keyof typeof pieces, holder: EngineHolder): void {
  const piece = pieces[name];
  if (!piece?.holders.delete(holder) || piece.holders.size > 0) return;
  queueMicrotask(() => {
    if (pieces[name] !== piece || piece.holders.size > 0) return;
    delete pieces[name];
    piece.stop(piece.value as never);
  });
}

function broadcast(name: 'chat' | 'docs'): (progress: HearthProgress) => void {
  return (progress) => {
    for (const holder of pieces[name]?.holders ?? []) holder.progress(progress);
  };
}

const HUGGING_FACE_HUB = 'https://huggingface.co';

/** A catalog model's files come from its catalog server, a relative one being Hearth's own (this script's origin). */
function modelSource(run: Runtime, modelId: string, baseUrl: string | undefined) {
  const listed = run.listCatalog().find((model) => model.id === modelId);
  return {
    baseUrl: baseUrl ?? new URL(listed?.baseUrl ?? HUGGING_FACE_HUB, import.meta.url).href,
    modelId,
    ...(listed ? { revision: listed.revision } : {}),
  };
}

function startChat(config: HearthChatConfig): ChatPiece {
  const hearth = loadRuntime().then(([run, hosts]) => {
    const { engineHost } = hosts.portableWorkerHosts();
    return run.createHearth({ engineHost, onProgress: broadcast('chat') });
  });
  const capabilities = hearth.then(async (started) => {
    const [run] = await loadRuntime();
    const options: NonNullable<HearthConfig['chat']> = {
      backend: 'ort',
      model: modelSource(run, config.model, config.modelsBaseUrl),
      device: config.device,
      overflow: 'truncate-oldest',
    };
    return started.chat.load(options);
  });
  const piece: ChatPiece = { hearth, capabilities };
  // Each element hears about a failed load through its own lease.
  capabilities.catch(() => (piece.failed = true));
  return piece;
}

function stopChat(piece: ChatPiece): void {
  void piece.hearth.then((hearth) => hearth.dispose()).catch(() => undefined);
}

function startDocs(config: HearthChatConfig): Promise<Hearth> {
  return loadRuntime().then(([run, hosts]) => {
    const { embedderHost, ragHost } = hosts.portableWorkerHosts();
    return run.createHearth({
      embedder: {
        model: modelSource(run, config.embeddingModel!, config.modelsBaseUrl),
        device: config.device,
      },
      embedderHost,
      ragHost,
      onProgress: broadcast('docs'),
    });
  });
}

function stopHearth(hearth: Promise<Hearth>): void {
  void hearth.then((started) => started.dispose()).catch(() => undefined);
}

/**
 * Adapter sync on the shared chat engine: the adapters stored on this device go to the engine once its
 * model is loaded, and the server is asked for new versions now and every minute while it is open.
 */
async function openAdapters(chat: ChatPiece, config: HearthChatConfig): Promise<AdapterSync> {
  await chat.capabilities;
  const settings = { baseUrl: config.apiBaseUrl!, apiKey: config.apiKey!, baseModel: config.model };
  const sync = await (await chat.hearth).adapters(settings);
  sync.start();
  return sync;
}

/** For tests: how many elements hold each piece. */
export function pageEngineHolders(): Record<string, number> {
  return Object.fromEntries(Object.entries(pieces).map(([name, piece]) => [name, piece?.holders.size ?? 0]));
}
