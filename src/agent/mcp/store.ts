import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';
import type { McpOAuthRecord, McpOAuthStore } from './oauth/record.ts';
import { SERVER_ID_PATTERN } from './tool-names.ts';
import type { McpConnectionState, McpServerConfig } from './types.ts';

const httpUrl = z
  .string()
  .trim()
  .url('enter the server address, e.g. https://example.com/mcp')
  .refine((url) => /^https?:\/\//.test(url), 'the address must start with http:// or https://');

const authSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('bearer'), token: z.string().trim().min(1, 'paste the token') }),
  z.object({
    kind: z.literal('oauth'),
    scope: z.string().trim().min(1).optional(),
    clientId: z.string().trim().min(1).optional(),
    clientSecret: z.string().min(1).optional(),
    clientMetadataUrl: httpUrl
      .refine((url) => url.startsWith('https://'), 'the metadata URL must be https://')
      .optional(),
  }),
]);

/** What a person enters to add an MCP server (checked at this boundary). */
export const mcpServerInputSchema = z.object({
  id: z
    .string()
    .regex(SERVER_ID_PATTERN, "use 1–24 letters, digits, '_' or '-' (it prefixes the server's tool names)"),
  name: z.string().trim().min(1).max(80).optional(),
  url: httpUrl,
  auth: authSchema.default({ kind: 'none' }),
  transport: z.enum(['auto', 'streamable-http', 'sse']).default('auto'),
  timeoutMs: z.number().int().min(1_000).max(3_600_000).optional(),
  approvals: z.enum(['annotations', 'always']).default('annotations'),
  enabled: z.boolean().default(true),
});
export type McpServerInput = z.input<typeof mcpServerInputSchema>;

/** The last state a connection reported, kept so a list can show it before reconnecting. */
export interface McpServerStatus {
  status: McpConnectionState['status'];
  at: number;
  code?: string;
  message?: string;
}

export interface McpServerRecord extends McpServerConfig {
  name?: string;
  enabled: boolean;
  addedAt: number;
  updatedAt: number;
  lastStatus?: McpServerStatus;
}

/** A sign-in sent to an authorization server and not back yet, found by its OAuth `state`. */
export interface PendingSignIn {
  state: string;
  serverId: string;
  serverUrl: string;
  /** Where the page was when the sign-in started, to go back to afterwards. */
  returnTo: string;
  createdAt: number;
}

interface McpDb extends DBSchema {
  servers: { key: string; value: McpServerRecord; indexes: { addedAt: number } };
  /** One OAuth record per server URL. */
  oauth: { key: string; value: McpOAuthRecord };
  'sign-ins': { key: string; value: PendingSignIn };
}

/** A sign-in not finished within this long is dropped (a `state` is good for one trip). */
const SIGN_IN_TTL_MS = 30 * 60_000;

function invalid(error: z.ZodError): HearthError {
  const issue = error.issues[0];
  return new HearthError(
    'INVALID_INPUT',
    `MCP server ${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'}.`,
    {
      details: error.issues,
    },
  );
}

/**
 * The user's MCP servers (URL, sign-in, last state), their OAuth tokens per server and the sign-ins
 * under way, in the `hearth-mcp` IndexedDB database. No export reads it; "Delete all my data" removes it.
 */
export class McpServerStore {
  private db: Promise<IDBPDatabase<McpDb>> | undefined;

  constructor(private readonly name = 'hearth-mcp') {}

  private open(): Promise<IDBPDatabase<McpDb>> {
    return (this.db ??= openDB<McpDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('servers', { keyPath: 'id' }).createIndex('addedAt', 'addedAt');
        db.createObjectStore('oauth');
        db.createObjectStore('sign-ins', { keyPath: 'state' });
      },
    }));
  }

  /** Oldest first, the order they were added in. */
  async list(): Promise<McpServerRecord[]> {
    return (await this.open()).getAllFromIndex('servers', 'addedAt');
  }

  async get(id: string): Promise<McpServerRecord | undefined> {
    return (await this.open()).get('servers', id);
  }

  async add(input: McpServerInput): Promise<McpServerRecord> {
    const parsed = mcpServerInputSchema.safeParse(input);
    if (!parsed.success) throw invalid(parsed.error);
    const db = await this.open();
    const now = Date.now();
    const record: McpServerRecord = { ...parsed.data, addedAt: now, updatedAt: now };
    try {
      await db.add('servers', record);
    } catch (error) {
      if ((error as DOMException).name !== 'ConstraintError') throw error;
      throw new HearthError(
        'INVALID_INPUT',
        `An MCP server with the id "${record.id}" is already added: pick another id.`,
      );
    }
    return record;
  }

  /** Changes what was entered; a changed URL forgets the old URL's sign-in. */
  async update(id: string, change: Partial<Omit<McpServerInput, 'id'>>): Promise<McpServerRecord> {
    const current = await this.get(id);
    if (!current) throw new HearthError('INVALID_INPUT', `No MCP server "${id}" is added.`);
    const parsed = mcpServerInputSchema.safeParse({ ...current, ...change, id });
    if (!parsed.success) throw invalid(parsed.error);
    const record: McpServerRecord = {
      ...parsed.data,
      addedAt: current.addedAt,
      updatedAt: Date.now(),
      ...(current.lastStatus && parsed.data.url === current.url ? { lastStatus: current.lastStatus } : {}),
    };
    await (await this.open()).put('servers', record);
    if (record.url !== current.url) await this.forgetSignIn(current.url);
    return record;
  }

  /** Removes the server and its OAuth tokens (revoke them first with signOutMcpServer where the server allows). */
  async remove(id: string): Promise<void> {
    const current = await this.get(id);
    if (!current) return;
    await (await this.open()).delete('servers', id);
    await this.forgetSignIn(current.url);
  }

  async recordStatus(id: string, state: McpConnectionState): Promise<void> {
    const db = await this.open();
    const tx = db.transaction('servers', 'readwrite');
    const record = await tx.store.get(id);
    if (record) {
      const error = 'error' in state ? state.error : undefined;
      record.lastStatus = {
        status: state.status,
        at: Date.now(),
        ...(error ? { code: error.code, message: error.message } : {}),
      };
      await tx.store.put(record);
    }
    await tx.done;
  }

  /** The OAuth record of the server at `serverUrl`, for McpOAuthProvider. */
  oauthStore(serverUrl: string): McpOAuthStore {
    return {
      load: async () => (await (await this.open()).get('oauth', serverUrl)) ?? {},
      save: async (record) => void (await (await this.open()).put('oauth', record, serverUrl)),
    };
  }

  async forgetSignIn(serverUrl: string): Promise<void> {
    await (await this.open()).delete('oauth', serverUrl);
  }

  async savePendingSignIn(pending: PendingSignIn): Promise<void> {
    await (await this.open()).put('sign-ins', pending);
  }

  /** The sign-in started with `state`, removed as it is read (a state is good for one trip). */
  async takePendingSignIn(state: string): Promise<PendingSignIn | undefined> {
    const db = await this.open();
    const tx = db.transaction('sign-ins', 'readwrite');
    const pending = await tx.store.get(state);
    if (pending) await tx.store.delete(state);
    for (const old of await tx.store.getAll()) {
      if (Date.now() - old.createdAt > SIGN_IN_TTL_MS) await tx.store.delete(old.state);
    }
    await tx.done;
    return pending && Date.now() - pending.createdAt <= SIGN_IN_TTL_MS ? pending : undefined;
  }

  close(): void {
    void this.db?.then((db) => db.close());
    this.db = undefined;
  }
}
