/**
 * The A2A agents the user added, kept in IndexedDB (database `hearth-a2a`): address, origins they allowed, the
 * card as last fetched, and whether the last check worked. The Agents view lists them; a run turns the ready
 * ones into tools (`a2aAgentFromCard` + `a2aAgentTool`) without fetching anything first.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { HearthError, isHearthError, toHearthError } from '../../core/errors.ts';
import { connectA2AAgent } from './connect.ts';
import type { A2AAgent, A2AAgentCard, A2AConnectOptions } from './types.ts';

const cardSchema: z.ZodType<A2AAgentCard> = z.object({
  name: z.string(),
  description: z.string(),
  version: z.string(),
  protocolVersion: z.string(),
  binding: z.string(),
  endpoint: z.string(),
  streaming: z.boolean(),
  skills: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string(),
      tags: z.array(z.string()),
      examples: z.array(z.string()),
    }),
  ),
  inputModes: z.array(z.string()),
  outputModes: z.array(z.string()),
  provider: z.object({ organization: z.string(), url: z.string() }).optional(),
  documentationUrl: z.string().optional(),
});

const recordSchema = z.object({
  id: z.string(),
  url: z.string(),
  allowedOrigins: z.array(z.string()),
  card: cardSchema.nullable(),
  /** `unchecked` until the first connection; `failed` keeps the error that says why. */
  state: z.enum(['unchecked', 'ready', 'failed']),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  addedAt: z.number(),
  checkedAt: z.number().optional(),
});
export type A2AAgentRecord = z.infer<typeof recordSchema>;

interface AgentsDb extends DBSchema {
  agents: { key: string; value: A2AAgentRecord };
}

export interface A2AAgentCheck {
  record: A2AAgentRecord;
  /** The connected agent when the check worked. */
  agent?: A2AAgent;
}

export class A2AAgentStore {
  private db: Promise<IDBPDatabase<AgentsDb>> | undefined;

  constructor(private readonly name = 'hearth-a2a') {}

  private open(): Promise<IDBPDatabase<AgentsDb>> {
    return (this.db ??= openDB<AgentsDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('agents', { keyPath: 'id' });
      },
      // "Delete all my data" (or a newer tab) deletes or upgrades the database: let it.
      blocking: () => this.close(),
    }));
  }

  close(): void {
    void this.db?.then((db) => db.close()).catch(() => undefined);
    this.db = undefined;
  }

  /** Every agent, oldest first. Records this version cannot read are left out, not thrown on. */
  async list(): Promise<A2AAgentRecord[]> {
    const all = await (await this.open()).getAll('agents');
    return all
      .flatMap((value) => {
        const parsed = recordSchema.safeParse(value);
        return parsed.success ? [parsed.data] : [];
      })
      .sort((a, b) => a.addedAt - b.addedAt);
  }

  async get(id: string): Promise<A2AAgentRecord | undefined> {
    const parsed = recordSchema.safeParse(await (await this.open()).get('agents', id));
    return parsed.success ? parsed.data : undefined;
  }

  /** Adds an agent by address (unchecked: `check` connects). The same address twice is one agent. */
  async add(url: string, options: { allowedOrigins?: readonly string[] } = {}): Promise<A2AAgentRecord> {
    const address = z.string().url().safeParse(url);
    if (!address.success || !/^https?:\/\//i.test(url)) {
      throw new HearthError(
        'INVALID_INPUT',
        `"${url}" is not an agent address: give one like https://agent.example.com`,
      );
    }
    const id = new URL(url).href;
    const db = await this.open();
    const existing = await this.get(id);
    const allowedOrigins = (options.allowedOrigins ?? []).map((origin) => new URL(origin).origin);
    const record: A2AAgentRecord = existing
      ? { ...existing, allowedOrigins }
      : { id, url: id, allowedOrigins, card: null, state: 'unchecked', addedAt: Date.now() };
    await db.put('agents', recordSchema.parse(record));
    return record;
  }

  async remove(id: string): Promise<void> {
    await (await this.open()).delete('agents', id);
  }

  /**
   * Connects to the agent (fetching its card afresh) and keeps the outcome: the card and `ready`, or `failed` with
   * the error's code and message for the UI. Resolves either way; the record says which.
   */
  async check(id: string, options: Omit<A2AConnectOptions, 'allowedOrigins'> = {}): Promise<A2AAgentCheck> {
    const record = await this.get(id);
    if (!record) throw new HearthError('INVALID_INPUT', `No A2A agent with id ${id}: list the agents again.`);
    let agent: A2AAgent | undefined;
    let next: A2AAgentRecord;
    try {
      agent = await connectA2AAgent(record.url, { ...options, allowedOrigins: record.allowedOrigins });
      const { error: _dropped, ...rest } = record;
      next = { ...rest, card: agent.card, state: 'ready', checkedAt: Date.now() };
    } catch (thrown) {
      if (options.signal?.aborted || isHearthError(thrown, 'ABORTED')) throw thrown;
      const error = toHearthError(thrown);
      next = {
        ...record,
        state: 'failed',
        error: { code: error.code, message: error.message },
        checkedAt: Date.now(),
      };
    }
    // The user may have removed the agent while it was being checked.
    if (await this.get(id)) await (await this.open()).put('agents', recordSchema.parse(next));
    return agent ? { record: next, agent } : { record: next };
  }
}
