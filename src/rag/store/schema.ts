import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type {
  ChunkRecord,
  CollectionRecord,
  DocumentRecord,
  IngestJobRecord,
  PostingBlockRecord,
  VectorBlockRecord,
} from '../types.ts';

export const DEFAULT_DATABASE_NAME = 'hearth-rag';

/**
 * Version history. Each migration takes the store from version `to - 1` to `to`; a fresh database
 * runs them all in order, so the first ones also describe the previous versions exactly.
 * 1: collections, documents, chunks, vector and posting blocks.
 * 2: the resumable ingest queue; documents gain status/revision/tags/date and a content-hash index.
 */
export const SCHEMA_VERSION = 2;

export interface RagSchema extends DBSchema {
  collections: { key: string; value: CollectionRecord };
  documents: {
    key: string;
    value: DocumentRecord;
    indexes: { byCollection: string; byHash: [string, string] };
  };
  chunks: { key: [string, number, number]; value: ChunkRecord };
  vectorBlocks: {
    key: [string, number, number];
    value: VectorBlockRecord;
    indexes: { byCollection: string };
  };
  postingBlocks: {
    key: [string, number, number];
    value: PostingBlockRecord;
    indexes: { byCollection: string };
  };
  ingestJobs: { key: number; value: IngestJobRecord };
}

export type RagDatabase = IDBPDatabase<RagSchema>;
type UpgradeTransaction = IDBPTransaction<RagSchema, StoreNames<RagSchema>[], 'versionchange'>;

type Migration = (db: RagDatabase, tx: UpgradeTransaction) => Promise<void> | void;

// Typed loosely on purpose: version 1 predates fields and stores that the current schema has.
export const migrations: Record<number, Migration> = {
  1: (db) => {
    db.createObjectStore('collections', { keyPath: 'id' });
    const documents = db.createObjectStore('documents', { keyPath: 'id' });
    documents.createIndex('byCollection', 'collectionId');
    db.createObjectStore('chunks', { keyPath: ['documentId', 'revision', 'seq'] });
    db.createObjectStore('vectorBlocks', { keyPath: ['documentId', 'revision', 'block'] }).createIndex(
      'byCollection',
      'collectionId',
    );
    db.createObjectStore('postingBlocks', { keyPath: ['documentId', 'revision', 'block'] }).createIndex(
      'byCollection',
      'collectionId',
    );
  },
  2: async (db, tx) => {
    db.createObjectStore('ingestJobs', { keyPath: 'id', autoIncrement: true });
    const documents = tx.objectStore('documents');
    documents.createIndex('byHash', ['collectionId', 'contentHash']);
    // Version 1 wrote documents in one transaction, so every stored one is complete.
    let cursor = await documents.openCursor();
    while (cursor) {
      const old = cursor.value as Partial<DocumentRecord> & {
        collectionId: string;
        revision: number;
        createdAt: number;
      };
      const collection = await tx.objectStore('collections').get(old.collectionId);
      await cursor.update({
        model: collection?.model,
        ...old,
        status: 'ready',
        stagingRevision: null,
        tags: old.tags ?? [],
        date: old.date ?? old.createdAt,
        metadata: old.metadata ?? {},
      } as DocumentRecord);
      cursor = await cursor.continue();
    }
  },
};

export async function runMigrations(
  db: RagDatabase,
  tx: UpgradeTransaction,
  oldVersion: number,
  newVersion: number,
): Promise<void> {
  for (let version = oldVersion + 1; version <= newVersion; version++) {
    const migrate = migrations[version];
    if (!migrate) throw new Error(`No migration to schema version ${version}`);
    await migrate(db, tx);
  }
}
