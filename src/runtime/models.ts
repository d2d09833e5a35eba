import { HearthError, toHearthError } from '../core/errors.ts';
import type { Progress } from '../core/progress.ts';
import type { DeviceChoice } from '../engines/ort-setup/index.ts';
import {
  catalog,
  filesFor,
  type CachedModel,
  type CatalogEntry,
  type Dtype,
  type FileStatus,
} from '../models/index.ts';
import { connectEngine, type EngineConnection, type EngineHost } from './engine-host.ts';
import type { Handle } from './handle.ts';
import { lazy } from './lazy.ts';
import type { ModelDownloadRequest, ModelDownloadResult, ModelsService } from '../models/index.ts';

export type { ModelDownloadRequest, ModelDownloadResult } from '../models/index.ts';
export type { DeviceChoice };

export const modelsWorkerHost: EngineHost = () =>
  new Worker(new URL('../../workers/models.worker.ts', import.meta.url), { type: 'module' });

/** A catalog model with the size of its default variant, for choosing before anything downloads. */
export interface ModelListing {
  id: string;
  kind: CatalogEntry['kind'];
  description: string;
  license: string;
  /** Where the catalog fetches it from (hub layout); a relative URL is the app's own `/models`. */
  baseUrl: string;
  revision: string;
  dtype: Dtype;
  files: { path: string; size?: number }[];
  /** Sum of the known sizes; `sizeKnown` is false when a file's size is learned only when it downloads. */
  size: number;
  sizeKnown: boolean;
}

export interface StorageStatus {
  usage?: number;
  quota?: number;
  free?: number;
  /** Whether the browser keeps this site's data under disk pressure. */
  persisted: boolean;
}

export type DownloadState = 'downloading' | 'paused' | 'done' | 'cancelled' | 'failed';

export interface DownloadEvents {
  /** Per-file (`file` set) and overall (`file` absent) progress. */
  onProgress?: (progress: Progress) => void;
  onStateChange?: (state: DownloadState, error?: HearthError) => void;
}

/**
 * One download the user can pause, resume and cancel. Pause aborts the transfer and keeps the
 * stored prefix; resume starts again and the store continues with a Range request; cancel aborts
 * and deletes what this model has stored.
 */
export interface ModelDownload {
  readonly modelId: string;
  readonly state: DownloadState;
  /** The last completed run; rejects only when the download fails (not on pause or cancel). */
  readonly result: Promise<ModelDownloadResult | undefined>;
  pause(): void;
  resume(): void;
  cancel(): Promise<void>;
}

export interface ModelsApi {
  catalog(): ModelListing[];
  /** Every model with bytes stored: complete size and unfinished bytes. */
  stored(): Promise<CachedModel[]>;
  status(modelId: string, dtype?: Dtype): Promise<FileStatus[]>;
  download(request: ModelDownloadRequest, events?: DownloadEvents): ModelDownload;
  delete(modelId: string, revision?: string): Promise<void>;
  storage(): Promise<StorageStatus>;
  /** Asks the browser to keep stored data; the answer is the browser's. Pages only. */
  persist(): Promise<boolean>;
  /** What `device: 'auto'` would pick here, and why. */
  autoDevice(): Promise<DeviceChoice>;
}

export type ModelsHandle = Handle<ModelsApi>;

export function listCatalog(): ModelListing[] {
  return catalog.map((entry) => {
    const files = filesFor(entry).map((file) => ({ path: file.path, size: file.size ?? file.approxSize }));
    return {
      id: entry.id,
      kind: entry.kind,
      description: entry.description,
      license: entry.license,
      baseUrl: entry.source.baseUrl,
      revision: entry.source.revision,
      dtype: entry.defaultDtype,
      files,
      size: files.reduce((sum, file) => sum + (file.size ?? 0), 0),
      sizeKnown: files.every((file) => file.size !== undefined),
    };
  });
}

/**
 * The models piece of the runtime: the catalog, the store's contents, downloads with pause,
 * resume and cancel, storage and persistence. The store runs in the models worker, started on the
 * first call that needs it (see README: why a worker).
 */
export function createModels(host: EngineHost = modelsWorkerHost): ModelsHandle {
  const worker = lazy(async (): Promise<EngineConnection<ModelsService>> =>
    connectEngine<ModelsService>(host),
  );
  const api = async () => (await worker.get()).api;

  const download = (request: ModelDownloadRequest, events: DownloadEvents = {}): ModelDownload => {
    let state: DownloadState = 'downloading';
    let controller: AbortController | undefined;
    // The run in flight, settled either way: cancel deletes only after it let go of the files.
    let current: Promise<void> = Promise.resolve();
    let settle: (value: ModelDownloadResult | undefined) => void = () => undefined;
    let fail: (error: unknown) => void = () => undefined;
    const result = new Promise<ModelDownloadResult | undefined>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    result.catch(() => undefined); // a caller that watches only onStateChange leaves no unhandled rejection
    const setState = (next: DownloadState, error?: HearthError) => {
      state = next;
      events.onStateChange?.(next, error);
    };
    const run = () => {
      const own = new AbortController();
      controller = own;
      setState('downloading');
      current = api()
        .then((remote) => remote.download(request, { signal: own.signal, onProgress: events.onProgress }))
        .then(
          (done) => {
            if (own.signal.aborted) return;
            setState('done');
            settle(done);
          },
          (error: unknown) => {
            if (own.signal.aborted) return; // paused or cancelled: not a failure
            const typed = toHearthError(error);
            setState('failed', typed);
            fail(typed);
          },
        );
    };
    run();
    return {
      modelId: request.modelId,
      get state() {
        return state;
      },
      result,
      pause() {
        if (state !== 'downloading') return;
        controller?.abort(new HearthError('ABORTED', 'The download was paused.'));
        setState('paused');
      },
      resume() {
        if (state === 'paused' || state === 'failed') run();
      },
      async cancel() {
        if (state === 'done' || state === 'cancelled') return;
        controller?.abort(new HearthError('ABORTED', 'The download was cancelled.'));
        setState('cancelled');
        settle(undefined);
        await current;
        await (await api()).remove(request.modelId);
      },
    };
  };

  return {
    catalog: listCatalog,
    stored: async () => (await api()).list(),
    status: async (modelId, dtype) => (await api()).status(modelId, dtype),
    download,
    delete: async (modelId, revision) => (await api()).remove(modelId, revision),
    storage: readStorage,
    persist: async () => (await navigator.storage?.persist?.().catch(() => false)) ?? false,
    autoDevice: async () => (await api()).autoDevice(),
    dispose: () => worker.reset((connection) => connection.close()),
  };
}

async function readStorage(): Promise<StorageStatus> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  const [estimate, persisted] = await Promise.all([
    storage?.estimate?.().catch(() => ({}) as StorageEstimate) ?? Promise.resolve({} as StorageEstimate),
    storage?.persisted?.().catch(() => false) ?? Promise.resolve(false),
  ]);
  const { usage, quota } = estimate;
  return {
    ...(usage !== undefined ? { usage } : {}),
    ...(quota !== undefined ? { quota, free: Math.max(0, quota - (usage ?? 0)) } : {}),
    persisted,
  };
}
