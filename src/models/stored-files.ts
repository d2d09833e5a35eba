import { HearthError, throwIfAborted } from '../core/errors.ts';
import type { ModelFiles } from '../core/model-files.ts';
import { readFileMeta } from './storage/file-meta.ts';
import type { ByteStore } from './storage/byte-store.ts';
import { dataKey } from './storage/layout.ts';

/** Reads stored files; a file not (completely) downloaded is an error that says so. */
export function storedModelFiles(storage: ByteStore, modelId: string, revision: string): ModelFiles {
  const stored = async (path: string) => {
    const meta = await readFileMeta(storage, { repo: modelId, revision, path });
    return meta?.state === 'complete' ? meta : undefined;
  };
  return {
    modelId,
    revision,
    async read(path, options) {
      throwIfAborted(options?.signal);
      const meta = await stored(path);
      const bytes = meta && (await storage.read(dataKey(modelId, revision, path)));
      if (!bytes || bytes.byteLength !== meta?.size) {
        throw new HearthError(
          'MODEL_FILE_MISSING',
          `${modelId}@${revision}: ${path} is not downloaded. Download the model first (ensureDownloaded).`,
        );
      }
      return bytes;
    },
    async has(path) {
      return (await stored(path)) !== undefined;
    },
  };
}
