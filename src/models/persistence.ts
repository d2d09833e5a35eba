export interface PersistenceReport {
  /** Whether the browser will keep this site's storage under storage pressure. */
  persisted: boolean;
  /** Whether this call asked (`persist()` exists on pages only, not in workers). */
  requested: boolean;
  /** Set when storage is not persistent: what that means for the user, and what may help. */
  warning: string | null;
}

const EVICTABLE = 'The browser may evict stored models and documents when disk space runs low.';

/**
 * Asks the browser to keep downloaded models and stored documents when disk space runs low. Browsers
 * decide by their own rules (engagement, installed app, a permission prompt); the answer is reported,
 * never assumed.
 */
export async function requestPersistence(): Promise<PersistenceReport> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage)
    return {
      persisted: false,
      requested: false,
      warning: `${EVICTABLE} This browser cannot keep storage persistent.`,
    };
  if (await storage.persisted?.().catch(() => false))
    return { persisted: true, requested: false, warning: null };
  if (typeof storage.persist !== 'function')
    return {
      persisted: false,
      requested: false,
      warning: `${EVICTABLE} Ask again from a page (workers cannot).`,
    };
  const persisted = await storage.persist().catch(() => false);
  return {
    persisted,
    requested: true,
    warning: persisted
      ? null
      : `${EVICTABLE} The browser did not grant persistent storage; installing the app or bookmarking it often helps.`,
  };
}
