import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';

export const MIN_MESSAGE = 8;
export const MAX_MESSAGE = 8_000;
export const DEFAULT_MESSAGE = 1_000;

/**
 * How the app reaches each A2A agent the person added: the token it sends (`Authorization: Bearer …`)
 * whether every message to it asks first, and how long a message a model may write to it. Kept in its own IndexedDB database (`hearth-a2a-access`),
 * apart from the agents' cards: no export reads it, and "Delete all my data" erases it with the rest.
 */
export const a2aAccessSchema = z.object({
  token: z.string().trim().min(1).max(8_192).optional(),
  askFirst: z.boolean().default(false),
  /** The longest message a model may write to it, in characters (its tool's schema says so). */
  maxMessage: z.number().int().min(MIN_MESSAGE).max(MAX_MESSAGE).default(DEFAULT_MESSAGE),
});
export type A2AAccess = z.output<typeof a2aAccessSchema>;

interface AccessDb extends DBSchema {
  access: { key: string; value: A2AAccess };
}

export class A2AAccessStore {
  private db: Promise<IDBPDatabase<AccessDb>> | undefined;

  constructor(private readonly name = 'hearth-a2a-access') {}

  private open(): Promise<IDBPDatabase<AccessDb>> {
    return (this.db ??= openDB<AccessDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('access');
      },
      // Erasing all data deletes the database: let it go.
      blocking: () => this.close(),
    }));
  }

  close(): void {
    void this.db?.then((db) => db.close()).catch(() => undefined);
    this.db = undefined;
  }

  async get(agentId: string): Promise<A2AAccess> {
    const parsed = a2aAccessSchema.safeParse((await (await this.open()).get('access', agentId)) ?? {});
    return parsed.success ? parsed.data : { askFirst: false, maxMessage: DEFAULT_MESSAGE };
  }

  async put(agentId: string, access: z.input<typeof a2aAccessSchema>): Promise<void> {
    await (await this.open()).put('access', a2aAccessSchema.parse(access), agentId);
  }

  async remove(agentId: string): Promise<void> {
    await (await this.open()).delete('access', agentId);
  }
}
