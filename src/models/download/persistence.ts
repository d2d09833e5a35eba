export interface PersistenceAnswer {
  /** Whether the browser will keep this site's storage under storage pressure. */
  persisted: boolean;
  /** Whether this call asked (`persist()` exists on pages only, not in workers). */
  requested: boolean;
}

/**
 * Asks the browser to keep downloaded models when disk space runs low. Browsers decide by their own
 * rules (engagement, installed app, a permission prompt); the answer is reported, never assumed.
 */
export async function requestPersistence(): Promise<PersistenceAnswer> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage) return { persisted: false, requested: false };
  if (await storage.persisted?.().catch(() => false)) return { persisted: true, requested: false };
  if (typeof storage.persist !== 'function') return { persisted: false, requested: false };
  const persisted = await storage.persist().catch(() => false);
  return { persisted, requested: true };
}
