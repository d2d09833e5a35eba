import { HearthError, throwIfAborted } from '../core/errors.ts';
import type { ModelFiles } from '../core/model-files.ts';

/** `<base>/<repo>/resolve/<revision>/<file>`: the hub's layout, which mirrors and public/models/ also serve. */
export function resolveUrl(baseUrl: string, modelId: string, revision: string, path: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${base}/${modelId}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}

/**
 * Reads model files straight over HTTP without storing them. Engines use the asset store in the app;
 * this is for tests and for hosts that serve models next to the page.
 */
export function httpModelFiles(baseUrl: string, modelId: string, revision = 'main'): ModelFiles {
  return {
    modelId,
    revision,
    async read(path, options) {
      throwIfAborted(options?.signal);
      const url = resolveUrl(baseUrl, modelId, revision, path);
      const response = await fetch(url, { signal: options?.signal ?? null });
      if (!response.ok) {
        throw new HearthError(
          'MODEL_FILE_MISSING',
          `${modelId}@${revision}: ${path} could not be fetched (HTTP ${response.status}). Check the model id and mirror URL.`,
        );
      }
      return new Uint8Array(await response.arrayBuffer());
    },
    async has(path) {
      const response = await fetch(resolveUrl(baseUrl, modelId, revision, path), { method: 'HEAD' });
      return response.ok;
    },
  };
}
