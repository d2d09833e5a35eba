import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Conversation } from './conversation.ts';

interface ChatDb extends DBSchema {
  conversations: { key: string; value: Conversation; indexes: { updatedAt: number } };
}

/** Conversations kept in IndexedDB, one record each (messages inside: a chat is read and written whole). */
export class ConversationStore {
  private db: Promise<IDBPDatabase<ChatDb>> | undefined;

  constructor(private readonly name = 'hearth-chat') {}

  private open(): Promise<IDBPDatabase<ChatDb>> {
    return (this.db ??= openDB<ChatDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('conversations', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      },
    }));
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
    await (await this.open()).put('conversations', conversation);
  }

  async delete(id: string): Promise<void> {
    await (await this.open()).delete('conversations', id);
  }
}
