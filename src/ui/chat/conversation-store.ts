import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { reportOutdatedTab } from '../shell/outdated-tab.ts';
import { conversationSchema, type Conversation } from './conversation.ts';

interface ChatDb extends DBSchema {
  conversations: { key: string; value: Conversation; indexes: { updatedAt: number } };
}

/** The schema this build writes; a newer build raises it and adds its step to `upgrade`. */
export const CHAT_SCHEMA_VERSION = 1;

/**
 * Where a tab keeps conversations it could not write because a newer version of Hearth upgraded the
 * database meanwhile (this tab's connection is closed then, and cannot reopen an unknown schema).
 * The next tab that opens the database — the newer version — writes them in.
 */
const UNSAVED_KEY = 'hearth:unsaved-conversations';

/** Conversations kept in IndexedDB, one record each (messages inside: a chat is read and written whole). */
export class ConversationStore {
  private db: Promise<IDBPDatabase<ChatDb>> | undefined;
  private outdated = false;

  constructor(
    private readonly name = 'hearth-chat',
    private readonly version = CHAT_SCHEMA_VERSION,
  ) {}

  private open(): Promise<IDBPDatabase<ChatDb>> {
    return (this.db ??= openDB<ChatDb>(this.name, this.version, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1)
          db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      },
      // A newer version opens the database in another tab: let its upgrade go ahead, and say so here.
      blocking: () => {
        this.outdated = true;
        void this.db?.then((db) => db.close());
        reportOutdatedTab(this.name);
      },
    }).then(
      async (db) => {
        await this.writeUnsaved(db);
        return db;
      },
      (error: unknown) => {
        // The database is newer than this code (a newer version upgraded it): this tab is out of date.
        if ((error as DOMException | null)?.name === 'VersionError') {
          this.outdated = true;
          reportOutdatedTab(this.name);
        }
        this.db = undefined;
        throw error;
      },
    ));
  }

  /** Newest first. */
  async list(): Promise<Conversation[]> {
    const all = await (await this.open()).getAllFromIndex('conversations', 'updatedAt');
    return all.reverse();
  }

  async get(id: string): Promise<Conversation | undefined> {
    return (await this.open()).get('conversations', id);
  }

  async put(conversation: Conversation): Promise<void> {
    if (this.outdated) return keepUnsaved(conversation);
    try {
      await (await this.open()).put('conversations', conversation);
    } catch (error) {
      // The connection closed under this write (the upgrade started while it was queued).
      if (!this.outdated) throw error;
      keepUnsaved(conversation);
    }
  }

  async delete(id: string): Promise<void> {
    await (await this.open()).delete('conversations', id);
  }

  /** Writes what an outdated tab kept aside, unless the database already holds a newer copy. */
  private async writeUnsaved(db: IDBPDatabase<ChatDb>): Promise<void> {
    const unsaved = readUnsaved();
    if (unsaved.length === 0) return;
    const tx = db.transaction('conversations', 'readwrite');
    for (const conversation of unsaved) {
      const stored = await tx.store.get(conversation.id);
      if (!stored || stored.updatedAt <= conversation.updatedAt) await tx.store.put(conversation);
    }
    await tx.done;
    localStorage.removeItem(UNSAVED_KEY);
  }
}

/** What another tab kept aside, checked like an imported chat: a damaged entry is dropped, not written. */
function readUnsaved(): Conversation[] {
  let stored: unknown;
  try {
    stored = JSON.parse(localStorage.getItem(UNSAVED_KEY) ?? '[]');
  } catch {
    return [];
  }
  return Array.isArray(stored) ? stored.flatMap((item) => conversationSchema.safeParse(item).data ?? []) : [];
}

function keepUnsaved(conversation: Conversation): void {
  const others = readUnsaved().filter((kept) => kept.id !== conversation.id);
  localStorage.setItem(UNSAVED_KEY, JSON.stringify([...others, conversation]));
}
