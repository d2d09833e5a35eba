import { toHearthError } from '../../core/errors.ts';
import { sameModel } from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import type { CollectionRecord } from '../types.ts';
import { CollectionIndex, HandleTable } from './collection-index.ts';

/**
 * The in-memory search indexes of one RAG service, one per collection, built from the store on
 * first use and brought up to date when the collection changed (here or in another tab).
 */
export class IndexCache {
  /** Chunk handles shared by every index, so a ranking across collections names chunks by number. */
  readonly handles = new HandleTable();
  private readonly indexes = new Map<string, CollectionIndex>();
  /** Collections whose in-memory index may lag the store. */
  private readonly stale = new Set<string>();
  private readonly syncing = new Map<string, Promise<void>>();

  constructor(private readonly options: { preferJsKernel?: boolean } = {}) {}

  /** The collection's index, in step with the store. */
  async get(db: RagDatabase, collection: CollectionRecord): Promise<CollectionIndex> {
    let index = this.indexes.get(collection.id);
    if (index && !sameModel(index.collection.model, collection.model)) {
      this.drop(collection.id);
      index = undefined;
    }
    if (!index) {
      index = new CollectionIndex(collection, this.handles, { preferJs: this.options.preferJsKernel });
      this.indexes.set(collection.id, index);
      this.stale.add(collection.id);
    }
    // One sync at a time per collection; searches meanwhile wait for it rather than see half an index.
    let syncing = this.syncing.get(collection.id);
    if (!syncing && this.stale.delete(collection.id)) {
      const loading = index;
      syncing = loading
        .sync(db)
        .then(() => undefined)
        .catch((error: unknown) => {
          this.stale.add(collection.id);
          throw toHearthError(error);
        })
        .finally(() => this.syncing.delete(collection.id));
      this.syncing.set(collection.id, syncing);
    }
    if (syncing) await syncing;
    return index;
  }

  /** The store changed under this collection: the next `get` syncs its index first. */
  markStale(collectionId: string): void {
    this.stale.add(collectionId);
  }

  removeDocuments(collectionId: string, documentIds: string[]): void {
    this.indexes.get(collectionId)?.removeDocuments(documentIds);
  }

  /** Forgets the collection's index (deleted, or re-embedded with another model). */
  drop(collectionId: string): void {
    const index = this.indexes.get(collectionId);
    if (!index) return;
    index.removeDocuments([...index.documents.keys()]);
    this.indexes.delete(collectionId);
  }
}
