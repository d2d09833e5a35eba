import { toHearthError } from '../../../src/core/errors.ts';
import type { Progress } from '../../../src/core/progress.ts';
import { createModels, type DownloadState, type ModelDownload } from '../../../src/runtime/index.ts';

// `createModels` as a page uses it: the real models worker, OPFS and the browser's storage APIs.
const models = createModels();

/** One download and everything it reported, for a test to act on part way and read at the end. */
interface Watched {
  handle: ModelDownload;
  states: { state: DownloadState; code?: string }[];
  overall: Progress[];
  files: Record<string, Progress>;
}
const downloads = new Map<string, Watched>();

Object.assign(globalThis, {
  harness: {
    catalog: () => models.catalog(),
    start(modelId: string, baseUrl: string) {
      const watched: Partial<Watched> = { states: [], overall: [], files: {} };
      watched.handle = models.download(
        { modelId, baseUrl },
        {
          onProgress: (progress) => {
            if (progress.file) watched.files![progress.file] = progress;
            else watched.overall!.push(progress);
          },
          onStateChange: (state, error) =>
            watched.states!.push({ state, ...(error ? { code: error.code } : {}) }),
        },
      );
      downloads.set(modelId, watched as Watched);
    },
    /** Bytes of the overall progress so far (0 before the first event). */
    loaded: (modelId: string) => downloads.get(modelId)?.overall.at(-1)?.loaded ?? 0,
    pause: (modelId: string) => downloads.get(modelId)!.handle.pause(),
    resume: (modelId: string) => downloads.get(modelId)!.handle.resume(),
    cancel: (modelId: string) => downloads.get(modelId)!.handle.cancel(),
    /** Waits for the download's result: the report, or the failure's code and message. */
    async finish(modelId: string) {
      const watched = downloads.get(modelId)!;
      try {
        const result = await watched.handle.result;
        return {
          result,
          state: watched.handle.state,
          states: watched.states,
          overall: watched.overall.at(-1),
          files: watched.files,
        };
      } catch (error) {
        const typed = toHearthError(error);
        return {
          error: { code: typed.code, message: typed.message },
          state: watched.handle.state,
          states: watched.states,
        };
      }
    },
    stored: () => models.stored(),
    status: (modelId: string) => models.status(modelId),
    remove: (modelId: string) => models.delete(modelId),
    storage: () => models.storage(),
    persist: () => models.persist(),
    autoDevice: () => models.autoDevice(),
  },
});
