import { Bm25Index } from '../lexical/bm25.ts';
import { DenseMatrix } from '../dense/dense-matrix.ts';
import { BLOCK_SIZE, readyDocuments, revisionRange, sameModel } from '../store/documents.ts';
import type { RagDatabase } from '../store/schema.ts';
import type { CollectionRecord, DocumentRecord, PostingBlockRecord, VectorBlockRecord } from '../types.ts';

/** What search needs of a document in memory; `pass` is set per query by the filters. */
export interface LoadedDocument {
  record: DocumentRecord;
  handles: number[];
  pass: boolean;
}

/** Where a chunk handle points: its document and its sequence number there. */
export interface HandleTarget {
  document: LoadedDocument;
  seq: number;
}

/**
 * The searchable form of one collection: every committed chunk gets a handle; its vector lives in
 * the collection's DenseMatrix and its terms in its Bm25Index. Documents whose vectors came from
 * another model (during re-embedding) are left out until they are re-embedded.
 */
export class CollectionIndex {
  readonly matrix: DenseMatrix;
  readonly bm25 = new Bm25Index();
  readonly documents = new Map<string, LoadedDocument>();

  constructor(
    readonly collection: CollectionRecord,
    private readonly handles: HandleTable,
    options: { preferJs?: boolean } = {},
  ) {
    this.matrix = new DenseMatrix(collection.model.dimensions, options);
  }

  get chunkCount(): number {
    return this.matrix.size;
  }

  /**
   * Brings the index in line with the store: drops documents that were deleted or changed, loads
   * those that are new or changed. Cheap when nothing changed.
   */
  async sync(db: RagDatabase): Promise<{ added: string[]; removed: string[] }> {
    const stored = (await readyDocuments(db, this.collection.id)).filter((document) =>
      sameModel(document.model, this.collection.model),
    );
    const wanted = new Map(stored.map((document) => [document.id, document]));
    const removed: string[] = [];
    for (const [id, loaded] of this.documents) {
      const current = wanted.get(id);
      if (
        current &&
        current.revision === loaded.record.revision &&
        current.updatedAt === loaded.record.updatedAt
      ) {
        loaded.record = current;
        wanted.delete(id);
      } else removed.push(id);
    }
    this.removeDocuments(removed);
    await this.loadDocuments(db, [...wanted.values()]);
    return { added: [...wanted.keys()], removed };
  }

  removeDocuments(ids: string[]): void {
    const dead = new Set<number>();
    for (const id of ids) {
      const loaded = this.documents.get(id);
      if (!loaded) continue;
      loaded.handles.forEach((handle) => {
        dead.add(handle);
        this.handles.release(handle);
      });
      this.documents.delete(id);
    }
    if (dead.size === 0) return;
    this.matrix.retain((handle) => !dead.has(handle));
    this.bm25.remove(dead);
  }

  /**
   * Loads documents in a fixed order (age, then content) so handles, and so ties between equal
   * scores, come out the same in an imported copy. Reads go in batches of about READ_BATCH_BLOCKS
   * blocks, the next batch read while the current one is appended: memory stays bounded and the
   * store's reads overlap our copying.
   */
  private async loadDocuments(db: RagDatabase, documents: DocumentRecord[]): Promise<void> {
    if (documents.length === 0) return;
    const ordered = [...documents].sort(
      (x, y) => x.createdAt - y.createdAt || compare(x.contentHash, y.contentHash) || compare(x.id, y.id),
    );
    this.matrix.reserve(this.matrix.size + ordered.reduce((sum, document) => sum + document.chunkCount, 0));
    const batches: DocumentRecord[][] = [];
    for (let i = 0, blocks = 0; i < ordered.length; i++) {
      if (i === 0 || blocks >= READ_BATCH_BLOCKS) {
        batches.push([]);
        blocks = 0;
      }
      batches[batches.length - 1]!.push(ordered[i]!);
      blocks += Math.max(1, Math.ceil(ordered[i]!.chunkCount / BLOCK_SIZE));
    }
    let next = batches.length > 0 ? readBlocks(db, batches[0]!) : null;
    for (let b = 0; b < batches.length; b++) {
      const current = await next!;
      next = b + 1 < batches.length ? readBlocks(db, batches[b + 1]!) : null;
      for (const [i, document] of batches[b]!.entries())
        this.appendDocument(document, current.vectors[i]!, current.postings[i]!);
    }
  }

  private appendDocument(
    document: DocumentRecord,
    vectorBlocks: VectorBlockRecord[],
    postingBlocks: PostingBlockRecord[],
  ): void {
    if (vectorBlocks.length === 0) return; // changed meanwhile: the next sync picks it up
    const loaded: LoadedDocument = { record: document, handles: [], pass: true };
    this.documents.set(document.id, loaded);
    const postings = new Map(postingBlocks.map((block) => [block.block, block]));
    for (const block of vectorBlocks) {
      const first = this.handles.allocate(block.count, loaded, block.firstSeq);
      const handles = Int32Array.from({ length: block.count }, (_, i) => first + i);
      loaded.handles.push(...handles);
      const quantized =
        block.quantized && block.scales
          ? { values: new Int8Array(block.quantized), scales: new Float32Array(block.scales) }
          : undefined;
      this.matrix.append(new Float32Array(block.vectors), handles, quantized);
      const posting = postings.get(block.block);
      if (posting) this.bm25.addBlock(posting, first);
    }
  }
}

/** Blocks per batch when loading: large enough to keep the store busy, small enough to bound memory. */
const READ_BATCH_BLOCKS = 32;

/** The committed vector and postings blocks of each document, in block order. */
async function readBlocks(db: RagDatabase, documents: DocumentRecord[]) {
  const tx = db.transaction(['vectorBlocks', 'postingBlocks']);
  const ranges = documents.map((document) => revisionRange(document.id, document.revision));
  const [vectors, postings] = await Promise.all([
    Promise.all(ranges.map((range) => tx.objectStore('vectorBlocks').getAll(range))),
    Promise.all(ranges.map((range) => tx.objectStore('postingBlocks').getAll(range))),
  ]);
  return { vectors, postings };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Chunk handles of every loaded collection: small integers that index plain arrays. */
export class HandleTable {
  private readonly targets: (HandleTarget | undefined)[] = [];

  allocate(count: number, document: LoadedDocument, firstSeq: number): number {
    const first = this.targets.length;
    for (let i = 0; i < count; i++) this.targets.push({ document, seq: firstSeq + i });
    return first;
  }

  release(handle: number): void {
    this.targets[handle] = undefined;
  }

  get(handle: number): HandleTarget | undefined {
    return this.targets[handle];
  }
}
