import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';

/**
 * How the app reaches each A2A agent the person added: the token it sends (`Authorization: Bearer …`)
 * and whether every message to it asks first. Kept in its own IndexedDB database (`hearth-a2a-access`),
 * apart from the agents' cards: no export reads it, and "Delete all my data" erases it with the rest.
 */
export const a2aAccessSchema = z.object({
  token: z.string().trim().min(1).max(8_192).optional(),
  askFirst: z.boolean().default(false),
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
    return parsed.success ? parsed.data : { askFirst: false };
  }

  async put(agentId: string, access: z.input<typeof a2aAccessSchema>): Promise<void> {
    await (await this.open()).put('access', a2aAccessSchema.parse(access), agentId);
  }

  async remove(agentId: string): Promise<void> {
    await (await this.open()).delete('access', agentId);
  }
}
