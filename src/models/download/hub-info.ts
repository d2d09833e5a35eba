import { z } from 'zod';
import { abortError } from '../../core/errors.ts';

export interface HubFileInfo {
  size?: number;
  /** SHA-256 of an LFS file's content; small files kept in git have none. */
  sha256?: string;
}

const revisionInfoSchema = z.object({
  siblings: z.array(
    z.object({
      rfilename: z.string(),
      size: z.number().int().nonnegative().optional(),
      lfs: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int() }).optional(),
    }),
  ),
});

/**
 * Sizes and LFS hashes of a repository revision from the hub's API
 * (`/api/models/<repo>/revision/<revision>?blobs=true`). A browser cannot read the `X-Linked-Etag`
 * of a `resolve` response that redirects to the CDN (as the hub does for LFS files), so this is
 * how the hub's hash reaches a page. Any failure gives `undefined`: the caller falls back.
 */
export async function fetchHubFileInfo(
  fetchFn: typeof fetch,
  baseUrl: string,
  repo: string,
  revision: string,
  signal: AbortSignal | undefined,
): Promise<Map<string, HubFileInfo> | undefined> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
  try {
    const response = await fetchFn(url, { signal: signal ?? null });
    if (!response.ok) return undefined;
    const parsed = revisionInfoSchema.safeParse(await response.json());
    if (!parsed.success) return undefined;
    return new Map(
      parsed.data.siblings.map((file) => [
        file.rfilename,
        { size: file.lfs?.size ?? file.size, sha256: file.lfs?.sha256 },
      ]),
    );
  } catch {
    if (signal?.aborted) throw abortError(signal.reason);
    return undefined;
  }
}
