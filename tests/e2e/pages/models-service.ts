import { toHearthError } from '../../../src/core/errors.ts';
import type { Progress, ProgressListener } from '../../../src/core/progress.ts';
import type { Dtype } from '../../../src/models/catalog-schema.ts';
import { ModelStore, type DownloadReport, type ModelRequest } from '../../../src/models/model-store.ts';
import { CacheStore } from '../../../src/models/storage/cache-store.ts';
import { OpfsStore } from '../../../src/models/storage/opfs-store.ts';

export type StorageKind = 'opfs' | 'cache';

export interface EnsureCall {
  model: string | ModelRequest;
  storage?: StorageKind;
  dtype?: Dtype;
  /** Replaces navigator.storage.estimate() with a fixed answer. */
  estimate?: { quota: number; usage: number };
  retries?: number;
  /** Reads LFS hashes and sizes from the (fake) hub API. */
  hubApi?: boolean;
  /** Cancels through the AbortSignal once this many bytes of one file have arrived. */
  abortAtBytes?: number;
}

export interface EnsureOutcome {
  report?: DownloadReport;
  error?: { code: string; message: string; details: unknown };
  events: Progress[];
}

/**
 * What the asset store e2e tests drive, the same code on the page and in a worker: each call
 * builds a ModelStore over real OPFS (or the Cache API) and returns plain data.
 */
export class ModelsHarnessService {
  where(): 'worker' | 'page' {
    return typeof document === 'undefined' ? 'worker' : 'page';
  }

  async ensure(call: EnsureCall, onProgress?: ProgressListener): Promise<EnsureOutcome> {
    const events: Progress[] = [];
    const controller = new AbortController();
    const fixed = call.estimate;
    const store = new ModelStore({
      storage: storageOf(call.storage),
      retries: call.retries ?? 3,
      retryDelayMs: 50,
      hubApi: call.hubApi ?? false,
      ...(fixed ? { estimate: async () => fixed } : {}),
    });
    try {
      const report = await store.ensureDownloaded(call.model, {
        dtype: call.dtype,
        signal: controller.signal,
        onProgress: (progress) => {
          events.push(progress);
          void onProgress?.(progress);
          if (call.abortAtBytes !== undefined && progress.file && progress.loaded >= call.abortAtBytes)
            controller.abort('stopped by the test');
        },
      });
      return { report, events };
    } catch (error) {
      const { code, message, details } = toHearthError(error);
      return { error: { code, message, details }, events };
    }
  }

  status(model: string | ModelRequest, storage?: StorageKind) {
    return new ModelStore({ storage: storageOf(storage) }).status(model);
  }

  list(storage?: StorageKind) {
    return new ModelStore({ storage: storageOf(storage) }).list();
  }

  remove(modelId: string, storage?: StorageKind) {
    return new ModelStore({ storage: storageOf(storage) }).delete(modelId);
  }

  /** SHA-256 of a stored file as the engines would read it, or the error code. */
  async readSha256(modelId: string, path: string, storage?: StorageKind): Promise<string> {
    const files = new ModelStore({ storage: storageOf(storage) }).files(modelId, 'main');
    try {
      const bytes = await files.read(path);
      const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    } catch (error) {
      return toHearthError(error).code;
    }
  }

  estimate() {
    return navigator.storage.estimate().then(({ quota, usage }) => ({ quota, usage }));
  }
}

function storageOf(kind: StorageKind = 'opfs') {
  return kind === 'cache' ? new CacheStore() : new OpfsStore();
}
