import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { HearthError } from '../../core/errors.ts';
import { agentError } from '../errors.ts';
import type { ThreadItem, ThreadItemRecord, ThreadRecord } from '../items.ts';
import type { RunRecord } from '../run-record.ts';
import type { SpanRecord } from '../trace/span.ts';

interface AgentSchema extends DBSchema {
  threads: { key: string; value: ThreadRecord; indexes: { updatedAt: number } };
  items: { key: [string, number]; value: ThreadItemRecord };
  runs: {
    key: string;
    value: RunRecord;
    indexes: { threadId: string; rootRunId: string; updatedAt: number };
  };
  /** Whole tool results that were cut for the model, kept for the UI. */
  results: { key: [string, string]; value: { runId: string; callId: string; text: string } };
  spans: { key: string; value: SpanRecord; indexes: { traceId: string; rootRunId: string } };
}

const VERSION = 1;

/** What one checkpoint writes, all in one transaction: a reader never sees half of it. */
export interface Checkpoint {
  runs?: RunRecord[];
  /** Items appended to a thread (created if new), in order. */
  append?: {
    thread: { id: string; title: string; parentRunId?: string };
    runId: string;
    items: ThreadItem[];
  };
  results?: Array<{ runId: string; callId: string; text: string }>;
  spans?: SpanRecord[];
}

/** Threads, runs, whole tool results and trace spans in one IndexedDB database. */
export class AgentStore {
  private db: Promise<IDBPDatabase<AgentSchema>> | undefined;

  constructor(private readonly name: string) {}

  private open(): Promise<IDBPDatabase<AgentSchema>> {
    const forget = () => {
      void this.db?.then((db) => db.close()).catch(() => undefined);
      this.db = undefined;
    };
    this.db ??= openDB<AgentSchema>(this.name, VERSION, {
      upgrade(db) {
        db.createObjectStore('threads', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
        db.createObjectStore('items', { keyPath: ['threadId', 'seq'] });
        const runs = db.createObjectStore('runs', { keyPath: 'id' });
        runs.createIndex('threadId', 'threadId');
        runs.createIndex('rootRunId', 'rootRunId');
        runs.createIndex('updatedAt', 'updatedAt');
        db.createObjectStore('results', { keyPath: ['runId', 'callId'] });
        const spans = db.createObjectStore('spans', { keyPath: 'spanId' });
        spans.createIndex('traceId', 'traceId');
        spans.createIndex('rootRunId', 'rootRunId');
      },
      // A newer version opened in another tab: let it upgrade; this tab opens again on next use.
      blocking: forget,
    });
    return this.db;
  }

  /**
   * Writes a checkpoint. Relaxed durability: the write is handed to the browser process before
   * `complete` fires, so a crashed tab loses nothing it was told is written; only a power cut might.
   */
  async commit(checkpoint: Checkpoint): Promise<void> {
    const db = await this.open();
    try {
      const tx = db.transaction(['threads', 'items', 'runs', 'results', 'spans'], 'readwrite', {
        durability: 'relaxed',
      });
      const writes: Promise<unknown>[] = [];
      for (const run of checkpoint.runs ?? []) writes.push(tx.objectStore('runs').put(run));
      for (const result of checkpoint.results ?? []) writes.push(tx.objectStore('results').put(result));
      for (const span of checkpoint.spans ?? []) writes.push(tx.objectStore('spans').put(span));
      if (checkpoint.append) writes.push(appendItems(tx, checkpoint.append));
      await Promise.all([...writes, tx.done]);
    } catch (error) {
      throw storeError(error);
    }
  }

  async run(runId: string): Promise<RunRecord | undefined> {
    return (await this.open()).get('runs', runId);
  }

  async runsOfRoot(rootRunId: string): Promise<RunRecord[]> {
    return (await this.open()).getAllFromIndex('runs', 'rootRunId', rootRunId);
  }

  async runsOfThread(threadId: string): Promise<RunRecord[]> {
    return (await this.open()).getAllFromIndex('runs', 'threadId', threadId);
  }

  /** Root runs, newest first. */
  async rootRuns(limit = 100): Promise<RunRecord[]> {
    const db = await this.open();
    const out: RunRecord[] = [];
    let cursor = await db.transaction('runs').store.index('updatedAt').openCursor(null, 'prev');
    while (cursor && out.length < limit) {
      if (!cursor.value.parent) out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  async thread(threadId: string): Promise<ThreadRecord | undefined> {
    return (await this.open()).get('threads', threadId);
  }

  /** Threads people started (not the private threads of nested runs), newest first. */
  async threads(limit = 100): Promise<ThreadRecord[]> {
    const all = await (await this.open()).getAllFromIndex('threads', 'updatedAt');
    return all
      .filter((t) => !t.parentRunId)
      .reverse()
      .slice(0, limit);
  }

  async items(threadId: string): Promise<ThreadItemRecord[]> {
    return (await this.open()).getAll('items', IDBKeyRange.bound([threadId, 0], [threadId, Infinity]));
  }

  async result(runId: string, callId: string): Promise<string | undefined> {
    return (await (await this.open()).get('results', [runId, callId]))?.text;
  }

  async spans(rootRunId: string): Promise<SpanRecord[]> {
    return (await this.open()).getAllFromIndex('spans', 'rootRunId', rootRunId);
  }

  /** Deletes a thread with its runs, their nested runs' threads, results and spans. */
  async deleteThread(threadId: string): Promise<void> {
    const db = await this.open();
    const roots = await this.runsOfThread(threadId);
    const runs = (await Promise.all(roots.map((r) => this.runsOfRoot(r.rootRunId)))).flat();
    const threads = new Set([threadId, ...runs.map((r) => r.threadId)]);
    const tx = db.transaction(['threads', 'items', 'runs', 'results', 'spans'], 'readwrite');
    const writes: Promise<unknown>[] = [];
    for (const id of threads) {
      writes.push(tx.objectStore('threads').delete(id));
      writes.push(tx.objectStore('items').delete(IDBKeyRange.bound([id, 0], [id, Infinity])));
    }
    for (const run of runs) {
      writes.push(tx.objectStore('runs').delete(run.id));
      writes.push(tx.objectStore('results').delete(IDBKeyRange.bound([run.id, ''], [run.id, '\uffff'])));
    }
    for (const root of new Set(runs.map((r) => r.rootRunId))) {
      let cursor = await tx.objectStore('spans').index('rootRunId').openCursor(root);
      while (cursor) {
        writes.push(cursor.delete());
        cursor = await cursor.continue();
      }
    }
    await Promise.all([...writes, tx.done]);
  }

  close(): void {
    void this.db?.then((db) => db.close()).catch(() => undefined);
    this.db = undefined;
  }
}

type WriteTx = IDBPTransaction<AgentSchema, StoreNames<AgentSchema>[], 'readwrite'>;

/** Appends items at the thread's end; the thread's count is read in the same transaction, so two runs on one thread never take the same position. */
async function appendItems(tx: WriteTx, append: NonNullable<Checkpoint['append']>): Promise<void> {
  const threads = tx.objectStore('threads');
  const now = Date.now();
  const existing = await threads.get(append.thread.id);
  const thread: ThreadRecord = existing ?? {
    id: append.thread.id,
    title: append.thread.title,
    createdAt: now,
    updatedAt: now,
    items: 0,
    ...(append.thread.parentRunId ? { parentRunId: append.thread.parentRunId } : {}),
  };
  const items = tx.objectStore('items');
  const writes = append.items.map((item, i) =>
    items.put({ threadId: thread.id, seq: thread.items + i, runId: append.runId, at: now, item }),
  );
  thread.items += append.items.length;
  thread.updatedAt = now;
  await Promise.all([...writes, threads.put(thread)]);
}

function storeError(error: unknown): unknown {
  if (error instanceof HearthError) return error;
  const name = (error as { name?: string } | null)?.name;
  return agentError(
    'AGENT_STORE_FAILED',
    `The agent store could not be written${name === 'QuotaExceededError' ? ' (the browser’s storage is full)' : ''}: ${(error as Error)?.message ?? String(error)}`,
  );
}
