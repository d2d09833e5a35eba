import type { WasmHeap } from './heap.ts';

/** Positions per page. decoder.wat's `attend` finds position p in page p >> 6, row p & 63. */
export const PAGE_POSITIONS = 64;

/**
 * The KV cache in the heap, in pages of 64 positions: per layer and kind (key, value) a page table
 * (an i32 array of page offsets, what `attend` reads) and pages `[kv_heads, 64, head_dim]` f32. Pages
 * are taken as the cache grows and kept when it is cut or reset, for the next request: growing never
 * copies what is cached. Truncating to a shared prefix only moves the length.
 */
export class PagedKvCache {
  private lengthValue = 0;
  private pages = 0;
  /** [layers * 2] page tables (key, value per layer), each with room for `maxPages` entries. */
  readonly tables: number[];
  private readonly pageBytes: number;
  private readonly maxPages: number;

  constructor(
    private readonly heap: WasmHeap,
    readonly layers: number,
    readonly kvHeads: number,
    readonly headDim: number,
    readonly capacity: number,
  ) {
    this.pageBytes = kvHeads * PAGE_POSITIONS * headDim * 4;
    this.maxPages = Math.ceil(capacity / PAGE_POSITIONS);
    this.tables = Array.from({ length: layers * 2 }, () => heap.alloc(this.maxPages * 4, 'kv'));
  }

  get length(): number {
    return this.lengthValue;
  }

  /** Bytes of pages held. */
  get bytes(): number {
    return this.pages * this.pageBytes * this.layers * 2;
  }

  /** Makes room for `positions` positions (pages are allocated here, never during a kernel). */
  reserve(positions: number): void {
    const needed = Math.ceil(positions / PAGE_POSITIONS);
    if (needed > this.maxPages)
      throw new RangeError(`${positions} positions exceed the cache's ${this.capacity}`);
    while (this.pages < needed) {
      for (const table of this.tables) {
        const page = this.heap.alloc(this.pageBytes, 'kv'); // may grow the memory: take the view after
        this.heap.i32[table / 4 + this.pages] = page;
      }
      this.pages++;
    }
  }

  /** Where position `position` of kv head `head` lives for one layer and kind. */
  rowOffset(layer: number, kind: 0 | 1, head: number, position: number): number {
    const page = this.heap.i32[this.tables[layer * 2 + kind]! / 4 + (position >> 6)]!;
    return page + (head * PAGE_POSITIONS + (position & (PAGE_POSITIONS - 1))) * this.headDim * 4;
  }

  /** Counts `added` more positions as cached (written by the forward pass). */
  advance(added: number): void {
    this.lengthValue += added;
  }

  truncate(length: number): Promise<void> {
    if (length < this.lengthValue) this.lengthValue = Math.max(0, length);
    return Promise.resolve();
  }

  reset(): void {
    this.lengthValue = 0;
  }

  release(): void {
    for (let p = 0; p < this.pages; p++)
      for (const table of this.tables) this.heap.release(this.heap.i32[table / 4 + p]!);
    for (const table of this.tables) this.heap.release(table);
    this.pages = 0;
    this.lengthValue = 0;
  }
}
