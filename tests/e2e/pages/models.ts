import type { Progress } from '../../../src/core/progress.ts';
import { connectApi } from '../../../src/core/rpc/index.ts';
import { ModelsHarnessService, type EnsureCall } from './models-service.ts';

// The asset store on the page (main-thread OPFS: createWritable) and in a worker (sync access handles).
const { api: worker } = connectApi<ModelsHarnessService>(
  new Worker(new URL('./models.worker.ts', import.meta.url), { type: 'module' }),
);
const page = new ModelsHarnessService();
/** The latest progress of each file, for tests that act part way through a download. */
const live: { files: Record<string, Progress> } = { files: {} };
const track = (progress: Progress) => {
  if (progress.file) live.files[progress.file] = progress;
};

function on(where: 'page' | 'worker') {
  return where === 'page' ? page : worker;
}

Object.assign(globalThis, {
  harness: {
    live,
    where: (where: 'page' | 'worker') => on(where).where(),
    ensure: (where: 'page' | 'worker', call: EnsureCall) => on(where).ensure(call, track),
    /** Starts a download without waiting for it, so a test can close the tab half way. */
    start(where: 'page' | 'worker', call: EnsureCall) {
      void on(where).ensure(call, track);
    },
    status: (where: 'page' | 'worker', ...args: Parameters<ModelsHarnessService['status']>) =>
      on(where).status(...args),
    list: (where: 'page' | 'worker', ...args: Parameters<ModelsHarnessService['list']>) =>
      on(where).list(...args),
    remove: (where: 'page' | 'worker', ...args: Parameters<ModelsHarnessService['remove']>) =>
      on(where).remove(...args),
    readSha256: (where: 'page' | 'worker', ...args: Parameters<ModelsHarnessService['readSha256']>) =>
      on(where).readSha256(...args),
    estimate: () => page.estimate(),
  },
});
document.title = 'models harness ready';
