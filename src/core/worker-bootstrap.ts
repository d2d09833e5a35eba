/**
 * Starts a module worker on a script of any origin: `new Worker(url)` refuses a script of another
 * origin, so the worker starts from a same-origin Blob module whose one line imports the script's
 * absolute URL. The worker then runs as the starting realm's origin, and inside the imported script
 * `import.meta.url` is the script's own URL, so its chunks and .wasm load from beside it. Never a
 * `data:` URL: such a worker has an opaque origin, where OPFS refuses to open.
 *
 * Under Trusted Types (`require-trusted-types-for 'script'`) a worker's URL must be a
 * TrustedScriptURL: the policy `hearth` makes one, and only for the Blob URLs made here.
 */
export const TRUSTED_TYPES_POLICY = 'hearth';

/** One bootstrap per script for the realm's lifetime: a few dozen bytes, reused by every start. */
const bootstraps = new Map<string, string>();

export function startBootstrappedWorker(absoluteUrl: string): Worker {
  let bootstrap = bootstraps.get(absoluteUrl);
  if (!bootstrap) {
    const source = `import ${JSON.stringify(absoluteUrl)};\n`;
    bootstrap = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    bootstraps.set(absoluteUrl, bootstrap);
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
