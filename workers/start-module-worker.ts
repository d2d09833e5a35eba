import { startBootstrappedWorker } from '../src/core/worker-bootstrap.ts';

/**
 * Starts a module worker from inside a worker, whichever origin serves Hearth's scripts. The web
 * component's workers run as the host page's origin (src/runtime/portable-workers.ts) while their
 * scripts come from Hearth's origin: a script of another origin starts from a same-origin Blob module,
 * as the page starts Hearth's workers.
 */
export function startModuleWorker(script: string): Worker {
  // `script` comes from a `?worker&url` import: root-relative in the dev server, absolute in builds.
  const url = new URL(script, import.meta.url);
  if (url.origin === self.location.origin) return new Worker(url, { type: 'module' });
  return startBootstrappedWorker(url.href);
}
