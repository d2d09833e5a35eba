/** What an allocation holds, for the engine's memory report. */
export type HeapTag = 'weights' | 'kv' | 'scratch' | 'adapters';

const ALIGN = 64; // a cache line: SIMD loads never straddle two lines at a block's start
const PAGE = 65536;

interface Block {
  start: number;
  size: number;
}

/**
 * A first-fit allocator over one WebAssembly memory (the decoder's whole heap: weights, KV pages,
 * scratch, adapters). Freed blocks are reused and merged with free neighbours; the memory grows
 * when nothing free fits (it never shrinks: WebAssembly memories cannot). Offsets are bytes.
 */
export class WasmHeap {
  private top = ALIGN; // offset 0 stays unused, so 0 never names a live block
  private readonly free: Block[] = [];
  private readonly live = new Map<number, { size: number; tag: HeapTag }>();
  private readonly inUse: Record<HeapTag, number> = { weights: 0, kv: 0, scratch: 0, adapters: 0 };
  private peakValue = 0;

  constructor(readonly memory: WebAssembly.Memory) {}

  alloc(bytes: number, tag: HeapTag): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let start: number;
    const at = this.free.findIndex((block) => block.size >= size);
    if (at >= 0) {
      const block = this.free[at]!;
      start = block.start;
      if (block.size === size) this.free.splice(at, 1);
      else this.free[at] = { start: block.start + size, size: block.size - size };
    } else {
      start = this.top;
      this.top += size;
      this.ensure(this.top);
    }
    this.live.set(start, { size, tag });
    this.inUse[tag] += size;
    this.peakValue = Math.max(this.peakValue, this.memory.buffer.byteLength);
    return start;
  }

  release(start: number): void {
    const block = this.live.get(start);
    if (!block) return;
    this.live.delete(start);
    this.inUse[block.tag] -= block.size;
    // Keep the free list sorted by start and merged with its neighbours.
    let at = this.free.findIndex((free) => free.start > start);
    if (at < 0) at = this.free.length;
    this.free.splice(at, 0, { start, size: block.size });
    const next = this.free[at + 1];
    if (next && start + block.size === next.start) {
      this.free[at]!.size += next.size;
      this.free.splice(at + 1, 1);
    }
    const previous = this.free[at - 1];
    if (previous && previous.start + previous.size === start) {
      previous.size += this.free[at]!.size;
      this.free.splice(at, 1);
    }
  }

  /** Bytes allocated, by what they hold. */
  bytesInUse(tag: HeapTag): number {
    return this.inUse[tag];
  }

  /** The memory's size now, and the largest it has been. */
  get size(): number {
    return this.memory.buffer.byteLength;
  }
  get peak(): number {
    return this.peakValue;
  }

  /** Grows the memory to at least `end` bytes, in one step when it can (a shared memory's growth is not free). */
  reserve(bytes: number): void {
    this.ensure(this.top + bytes);
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const needed = Math.ceil((end - have) / PAGE);
    // KV pages arrive 64 positions at a time: growing by an eighth at least keeps grow() (which may move
    // an unshared memory) rare; the memory's maximum still bounds it.
    try {
      this.memory.grow(Math.max(needed, Math.floor(have / PAGE / 8)));
    } catch {
      this.memory.grow(needed);
    }
    this.peakValue = Math.max(this.peakValue, this.memory.buffer.byteLength);
  }

  // Views over the memory: made again whenever it has grown (a grown memory has a new buffer).
  private viewsOf: ArrayBufferLike | undefined;
  private u8View = new Uint8Array(0);
  private f32View = new Float32Array(0);
  private i32View = new Int32Array(0);

  get u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }
  get f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }
  get i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer === this.viewsOf && this.u8View.byteLength === buffer.byteLength) return;
    this.viewsOf = buffer;
    this.u8View = new Uint8Array(buffer);
    this.f32View = new Float32Array(buffer);
    this.i32View = new Int32Array(buffer);
  }
}
