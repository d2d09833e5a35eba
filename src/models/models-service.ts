import type { LongOperationOptions } from '../core/progress.ts';
import { ModelStore, type CachedModel, type Dtype, type FileStatus } from './index.ts';

/** One download as the page asks for it: a catalog model, its precision, and where to fetch from. */
export interface ModelDownloadRequest {
  modelId: string;
  dtype?: Dtype;
  /** A mirror in the hub's layout instead of the catalog's base URL. */
  baseUrl?: string;
}

export interface ModelDownloadResult {
  modelId: string;
  revision: string;
  fetchedBytes: number;
  /** Per file: where this run started (above 0 when a stored prefix was resumed). */
  files: { path: string; size: number; resumedFrom: number }[];
}

/**
 * The asset store as the models worker serves it. It runs in a worker because the engines read
 * models from OPFS in their own workers, and only a worker writes OPFS through sync access handles
 * (in place, so a paused download keeps every byte); the page would fall back to another store.
 */
/** What `device: 'auto'` picks here and why (the worker injects the engines' device choice). */
export interface AutoDeviceChoice {
  device: 'webgpu' | 'wasm';
  reason: string;
}

export interface ModelsServiceDeps {
  chooseAutoDevice(): Promise<AutoDeviceChoice>;
}

export class ModelsService {
  constructor(private readonly deps: ModelsServiceDeps) {}

  private readonly store = new ModelStore();

  async download(
    request: ModelDownloadRequest,
    options: LongOperationOptions = {},
  ): Promise<ModelDownloadResult> {
    const report = await this.store.ensureDownloaded(request.modelId, {
      dtype: request.dtype,
      baseUrl: request.baseUrl,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    return {
      modelId: report.modelId,
      revision: report.revision,
      fetchedBytes: report.fetchedBytes,
      files: report.files.map(({ path, size, resumedFrom }) => ({ path, size, resumedFrom })),
    };
  }

  status(modelId: string, dtype?: Dtype): Promise<FileStatus[]> {
    return this.store.status(modelId, dtype);
  }

  list(): Promise<CachedModel[]> {
    return this.store.list();
  }

  remove(modelId: string, revision?: string): Promise<void> {
    return this.store.delete(modelId, revision);
  }

  /** What `device: 'auto'` picks on this device, and why: the same choice the engines make. */
  autoDevice(): Promise<AutoDeviceChoice> {
    return this.deps.chooseAutoDevice();
  }
}

/** The methods the worker serves, and nothing else. */
export const MODELS_METHODS = ['download', 'status', 'list', 'remove', 'autoDevice'] as const;
