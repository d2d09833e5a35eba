import { HearthError } from '../../core/errors.ts';
import { formatBytes } from '../../core/format-bytes.ts';

export interface StorageEstimateLike {
  quota?: number | undefined;
  usage?: number | undefined;
}

export type EstimateFn = () => Promise<StorageEstimateLike>;

export function browserEstimate(): Promise<StorageEstimateLike> {
  if (typeof navigator === 'undefined' || !navigator.storage?.estimate) return Promise.resolve({});
  return navigator.storage.estimate();
}

/**
 * Refuses a download that cannot fit: `needed` bytes against what the browser says is free for this
 * site. Browsers without an estimate are let through (the write itself will fail if it must).
 */
export async function checkQuota(
  modelId: string,
  needed: number,
  estimate: EstimateFn,
): Promise<{ quota?: number; usage?: number; free?: number }> {
  const { quota, usage } = await estimate();
  if (quota === undefined) return {};
  const free = Math.max(0, quota - (usage ?? 0));
  if (needed > free) {
    throw new HearthError(
      'STORAGE_QUOTA',
      `${modelId} needs ${formatBytes(needed)} of storage but this site has only ${formatBytes(free)} free (quota ${formatBytes(quota)}, used ${formatBytes(usage ?? 0)}). Delete models you no longer use or free disk space, then try again.`,
      { details: { needed, free, quota, usage: usage ?? 0 } },
    );
  }
  return { quota, usage: usage ?? 0, free };
}
