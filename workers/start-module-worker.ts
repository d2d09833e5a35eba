/**
 * Starts a module worker from inside a worker, whichever origin serves Hearth's scripts. The web
 * component's workers run as the host page's origin (they start from a Blob module:
 * src/runtime/portable-workers.ts) while their scripts come from Hearth's origin, and `new Worker(url)`
 * refuses a script of another origin: such a script starts from a same-origin Blob module whose one line
 * imports it, as the page does. Under Trusted Types the Blob URL goes through the `hearth` policy.
 */
export function startModuleWorker(script: string): Worker {
  // `script` comes from a `?worker&url` import: root-relative in the dev server, absolute in builds.
  const url = new URL(script, import.meta.url);
  if (url.origin === self.location.origin) return new Worker(url, { type: 'module' });
  let bootstrap = bootstraps.get(url.href);
  if (!bootstrap) {
    const source = `import ${JSON.stringify(url.href)};\n`;
    bootstrap = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    bootstraps.set(url.href, bootstrap);
  }
  return new Worker(trustedScriptUrl(bootstrap) as string, { type: 'module' });
}

/** One bootstrap per script for the worker's lifetime, reused by every thread it starts. */
const bootstraps = new Map<string, string>();

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
  policy ??= factory.createPolicy('hearth', {
    createScriptURL(candidate: string) {
      if (![...bootstraps.values()].includes(candidate))
        throw new TypeError("The 'hearth' policy starts only Hearth's own worker bootstraps.");
      return candidate;
    },
  });
  return policy.createScriptURL(url);
}
