/**
 * Brings one adapter version's files onto the device with the model store's downloader: streamed, resumed
 * with HTTP Range from the bytes already stored (after a cut connection or a closed tab), and checked
 * against the manifest's size and SHA-256 (a mismatch deletes the file).
 */
import type { HearthError } from '../core/errors.ts';
import { isHearthError } from '../core/errors.ts';
import type { AdapterManifest } from '../core/adapter-manifest.ts';
import type { LongOperationOptions } from '../core/progress.ts';
import { downloadFile } from '../models/index.ts';
import type { AdapterServerClient } from './adapter-server-client.ts';
import type { AdapterStore } from './adapter-store.ts';
import { storeRepo, storeRevision } from './adapter-store.ts';
import { syncError } from './errors.ts';

export interface DownloadAdapterOptions extends LongOperationOptions {
  retries: number;
  retryDelayMs: number;
}

export interface AdapterDownload {
  id: string;
  /** Bytes fetched over the network by this call. */
  fetchedBytes: number;
  /** Bytes that were already stored and kept (a resumed download). */
  resumedBytes: number;
}

export async function downloadAdapter(
  manifest: AdapterManifest,
  api: AdapterServerClient,
  store: AdapterStore,
  options: DownloadAdapterOptions,
): Promise<AdapterDownload> {
  const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
  let before = 0;
  let fetchedBytes = 0;
  let resumedBytes = 0;
  for (const file of manifest.files) {
    let phase = 'download';
    try {
      const stored = await downloadFile(
        {
          url: api.fileUrl(manifest.id, file.name),
          repo: storeRepo(manifest.name),
          revision: storeRevision(manifest.version),
          path: file.name,
          pinnedSize: file.size,
          pinnedSha256: file.sha256,
        },
        {
          store: store.bytes,
          fetch: api.fetch,
          signal: options.signal,
          retries: options.retries,
          retryDelayMs: options.retryDelayMs,
          onPhase: (p) => (phase = p === 'verify-prefix' ? 'verify' : p),
          onBytes: (loaded) =>
            options.onProgress?.({ phase, file: file.name, loaded: before + loaded, total }),
        },
      );
      fetchedBytes += stored.fetchedBytes;
      resumedBytes += stored.resumedFrom;
    } catch (error) {
      throw translate(manifest, file.name, error);
    }
    before += file.size;
  }
  options.onProgress?.({ phase: 'verify', loaded: total, total });
  return { id: manifest.id, fetchedBytes, resumedBytes };
}

function translate(manifest: AdapterManifest, file: string, error: unknown): HearthError {
  if (isHearthError(error, 'ABORTED')) return error;
  if (isHearthError(error, 'MODEL_FILE_CORRUPT') || isHearthError(error, 'MODEL_FILE_CHANGED')) {
    const details = error.details as { expected?: string; actual?: string } | undefined;
    return syncError(
      'ADAPTER_VERIFY_FAILED',
      `${manifest.id}: ${file} does not match the server's manifest` +
        (details?.actual
          ? ` (SHA-256 ${details.actual}, manifest ${details.expected})`
          : ` (${error.message})`) +
        '. The bad copy was deleted; the server or a proxy is serving different bytes than it published.',
      { id: manifest.id, file, ...(details ?? {}) },
      error,
    );
  }
  const status =
    (isHearthError(error) ? (error.details as { status?: number } | undefined)?.status : undefined) ??
    undefined;
  return syncError(
    'ADAPTER_DOWNLOAD_FAILED',
    `${manifest.id}: ${file} could not be downloaded${status ? ` (HTTP ${status})` : ''}. The bytes received are kept; the next sync resumes from them.`,
    { id: manifest.id, file, status },
    error,
  );
}
