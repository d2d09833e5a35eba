import { openDB } from 'idb';
import { HearthError } from '../../core/errors.ts';
import { runMigrations, SCHEMA_VERSION, type RagDatabase, type RagSchema } from './schema.ts';

export interface OpenStoreOptions {
  name: string;
  /**
   * Another tab opened a newer schema. Our connection is already closed when this runs (so the
   * upgrade there is not blocked); the user must reload this tab.
   */
  onOutdated?: (error: HearthError) => void;
  /** How long to wait for an old tab that blocks our upgrade before giving up. */
  blockedTimeoutMs?: number;
}

export function outdatedTabError(): HearthError {
  return new HearthError(
    'RAG_STORE_OUTDATED',
    'Hearth was updated in another tab. Reload this page to keep using your documents.',
  );
}

/** Opens (creating or migrating) the RAG database. */
export async function openRagStore(options: OpenStoreOptions): Promise<RagDatabase> {
  let db: RagDatabase | undefined;
  let gaveUp = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let rejectBlocked: (error: HearthError) => void = () => undefined;
  const blocked = new Promise<never>((_, reject) => (rejectBlocked = reject));
  const opening = openDB<RagSchema>(options.name, SCHEMA_VERSION, {
    async upgrade(upgrading, oldVersion, newVersion, tx) {
      await runMigrations(upgrading, tx, oldVersion, newVersion ?? SCHEMA_VERSION);
    },
    blocked() {
      // A tab from before outdated-tab handling still holds the old version open.
      timer = setTimeout(() => {
        gaveUp = true;
        rejectBlocked(
          new HearthError(
            'RAG_UPGRADE_BLOCKED',
            'Another Hearth tab with an older version is still open. Close or reload it to finish updating the document store.',
          ),
        );
      }, options.blockedTimeoutMs ?? 5000);
    },
    blocking() {
      db?.close();
      options.onOutdated?.(outdatedTabError());
    },
  });
  void opening.then((late) => gaveUp && late.close()).catch(() => undefined);
  try {
    db = await Promise.race([opening, blocked]);
    return db;
  } finally {
    clearTimeout(timer);
  }
}
