import type { ByteStore } from './storage/byte-store.ts';
import { readFileMeta } from './storage/file-meta.ts';
import { describeHashSource, type HashSource } from './download/hash-source.ts';
import { dataKey, modelOfKey } from './storage/layout.ts';
import type { ModelSource, ModelFile } from './catalog-schema.ts';

/** What the store holds of models: per-file state of one model, and every model with its size. */
export type FileState = 'missing' | 'partial' | 'complete';

export interface FileStatus {
  path: string;
  state: FileState;
  storedBytes: number;
  size?: number;
  sha256?: string;
  hashSource?: HashSource;
  /** In words, what the stored file was verified against. */
  verification?: string;
}

export interface CachedModel {
  modelId: string;
  revision: string;
  /** Bytes of complete files. */
  size: number;
  /** Bytes of unfinished downloads, kept to resume. */
  partialBytes: number;
  files: { path: string; size: number; state: Exclude<FileState, 'missing'> }[];
}

/** What is stored of each file a model needs, and what each was verified against. */
export async function fileStatuses(
  storage: ByteStore,
  request: { source: ModelSource; files: ModelFile[] },
): Promise<FileStatus[]> {
  const { repo, revision } = request.source;
  return Promise.all(
    request.files.map(async (file): Promise<FileStatus> => {
      const target = { repo, revision, path: file.path };
      const meta = await readFileMeta(storage, target);
      const storedBytes = (await storage.size(dataKey(repo, revision, file.path))) ?? 0;
      if (meta?.state === 'complete') {
        return {
          path: file.path,
          state: 'complete',
          storedBytes,
          size: meta.size,
          sha256: meta.sha256,
          hashSource: meta.hashSource,
          verification: describeHashSource(meta.hashSource),
        };
      }
      return { path: file.path, state: storedBytes > 0 ? 'partial' : 'missing', storedBytes };
    }),
  );
}

/** Every model with bytes in the store, grouped from the store's file listing. */
export async function listCachedModels(storage: ByteStore): Promise<CachedModel[]> {
  const models = new Map<string, CachedModel>();
  for (const entry of await storage.list([])) {
    const owner = modelOfKey(entry.key);
    if (!owner || entry.key[2] !== 'data') continue;
    const path = decodeURIComponent(entry.key[3] ?? '');
    const id = `${owner.repo}@${owner.revision}`;
    let model = models.get(id);
    if (!model) {
      model = { modelId: owner.repo, revision: owner.revision, size: 0, partialBytes: 0, files: [] };
      models.set(id, model);
    }
    const meta = await readFileMeta(storage, { ...owner, path });
    const complete = meta?.state === 'complete';
    if (complete) model.size += entry.size;
    else model.partialBytes += entry.size;
    model.files.push({ path, size: entry.size, state: complete ? 'complete' : 'partial' });
  }
  return [...models.values()].sort((a, b) => a.modelId.localeCompare(b.modelId));
}
