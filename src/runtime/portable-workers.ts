import embedScript from '../../workers/embed.worker.ts?worker&url';
import llmScript from '../../workers/llm.worker.ts?worker&url';
import ragScript from '../../workers/rag.worker.ts?worker&url';
import { startBootstrappedWorker } from '../core/worker-bootstrap.ts';
import type { EngineHost } from './engine-host.ts';

/**
 * Workers that start on any page, whichever origin serves Hearth's scripts (the web component on
 * another site): each starts from a same-origin Blob module that imports the script
 * (src/core/worker-bootstrap.ts), so it runs as the page's origin (OPFS and IndexedDB are the page's).
 */
export interface PortableWorkerHosts {
  engineHost: EngineHost;
  embedderHost: EngineHost;
  ragHost: () => Worker;
}

export { TRUSTED_TYPES_POLICY } from '../core/worker-bootstrap.ts';

export function portableWorkerHosts(): PortableWorkerHosts {
  return {
    engineHost: () => startPortableWorker(llmScript),
    embedderHost: () => startPortableWorker(embedScript),
    ragHost: () => startPortableWorker(ragScript),
  };
}

export function startPortableWorker(script: string): Worker {
  return startBootstrappedWorker(new URL(script, location.href).href);
}
