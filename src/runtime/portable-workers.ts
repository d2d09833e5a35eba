import embedScript from '../../workers/embed.worker.ts?worker&url';
import llmScript from '../../workers/llm.worker.ts?worker&url';
import ragScript from '../../workers/rag.worker.ts?worker&url';
import type { EngineHost } from './engine-host.ts';

/**
 * Workers that start on any page, whichever origin serves Hearth's scripts (the web component on
 * another site). `new Worker(url)` refuses a script of another origin, so each worker starts from a
 * same-origin Blob module whose one line imports the script's absolute URL. The worker then runs as
 * the page's origin (OPFS and IndexedDB are the page's), and inside the imported script
 * `import.meta.url` is the script's own URL, so its chunks and onnxruntime's .wasm load from beside
 * it. Never a `data:` URL: such a worker has an opaque origin, where OPFS refuses to open.
 *
 * Under Trusted Types (`require-trusted-types-for 'script'`) a worker's URL must be a
 * TrustedScriptURL: the policy `hearth` makes one, and only for the Blob URLs made here.
 */
export interface PortableWorkerHosts {
  engineHost: EngineHost;
  embedderHost: EngineHost;
  ragHost: () => Worker;
}

export const TRUSTED_TYPES_POLICY = 'hearth';

export function portableWorkerHosts(): PortableWorkerHosts {
  return {
    engineHost: () => startPortableWorker(llmScript),
    embedderHost: () => startPortableWorker(embedScript),
    ragHost: () => startPortableWorker(ragScript),
  };
}

/** One bootstrap per script for the page's lifetime: a few dozen bytes, reused by every start. */
const bootstraps = new Map<string, string>();

export function startPortableWorker(script: string): Worker {
  const absolute = new URL(script, location.href).href;
  let bootstrap = bootstraps.get(absolute);
  if (!bootstrap) {
    const source = `import ${JSON.stringify(absolute)};\n`;
    bootstrap = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    bootstraps.set(absolute, bootstrap);
  }
  return new Worker(trustedScriptUrl(bootstrap) as string | URL, { type: 'module' });
}

interface TrustedTypesFactory {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): TrustedTypesPolicy;
}
interface TrustedTypesPolicy {
  createScriptURL(url: string): unknown;
}

let policy: TrustedTypesPolicy | undefined;

function trustedScriptUrl(url: string): unknown {
  const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  if (!factory) return url;
  policy ??= factory.createPolicy(TRUSTED_TYPES_POLICY, {
    createScriptURL(candidate: string) {
      if (![...bootstraps.values()].includes(candidate))
        throw new TypeError(
          `The '${TRUSTED_TYPES_POLICY}' policy starts only Hearth's own worker bootstraps.`,
        );
      return candidate;
    },
  });
  return policy.createScriptURL(url);
}
