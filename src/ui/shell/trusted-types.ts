/**
 * The app runs under `require-trusted-types-for 'script'`. Lit (policy `lit-html`) and DOMPurify
 * (policy `dompurify`) bring their own policies for HTML; this one default policy covers the
 * script URLs the runtime passes to `new Worker(...)`, and allows only this origin's scripts. It
 * has no `createHTML`, so a plain string assigned to innerHTML is still refused.
 */
export function installTrustedTypesPolicy(): void {
  const tt = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!tt || tt.defaultPolicy) return;
  tt.createPolicy('default', {
    createScriptURL(url: string) {
      const parsed = new URL(url, location.href);
      if (
        parsed.origin !== location.origin &&
        !(parsed.protocol === 'blob:' && url.startsWith(`blob:${location.origin}`))
      )
        throw new TypeError(
          `Refusing to load a script from ${parsed.origin}: only this site's scripts run here.`,
        );
      return url;
    },
  });
}

interface TrustedTypesLike {
  defaultPolicy: unknown;
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): unknown;
}
