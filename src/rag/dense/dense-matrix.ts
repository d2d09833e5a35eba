import { quantizeRows, type QuantizedRows } from './quantize.ts';
import { topK } from './top-k.ts';
import { createScoreKernel, type ScoreKernel } from './kernel.ts';

export type DensePrecision = 'int8' | 'float';

export interface DenseHits {
  /** Row numbers (valid until the next change to the matrix), best first. */
  rows: Int32Array;
  scores: Float32Array;
}

const PAGE = 65536;
const MAX_DIM = 4096;
const align16 = (n: number) => (n + 15) & ~15;

/**
 * All vectors of the loaded collections in one contiguous WebAssembly memory, twice over: int8
 * (one scale per row) for the fast first pass, float32 for re-ranking and the exact mode.
 *
 * Layout (bytes): [query f32 | query i16 | rows i8 (cap × pd) | scales f32 (cap) | rows f32 (cap × pd) | scores f32 (cap)]
 * with pd = dim rounded up to 16 and zero padding, so padded lanes add nothing to a dot product.
 */
export class DenseMatrix {
  readonly dim: number;
  readonly paddedDim: number;
  readonly kernel: ScoreKernel;
  private count = 0;
  private capacity = 0;
  /** Caller's id of each row (a chunk handle), moved together with the row. */
  private handles = new Int32Array(0);
  private readonly queryF32 = 0;
  private readonly queryI16 = MAX_DIM * 4;
  private readonly rowsI8 = MAX_DIM * 6;

  constructor(dim: number, options: { preferJs?: boolean } = {}) {
    if (!Number.isInteger(dim) || dim < 1 || dim > MAX_DIM)
      throw new RangeError(`dimension ${dim} is out of range`);
    this.dim = dim;
    this.paddedDim = align16(dim);
    this.kernel = createScoreKernel(options);
  }

  get size(): number {
    return this.count;
  }

  /** Bytes that hold vectors (int8 rows, scales, float rows) for the rows present. */
  get vectorBytes(): number {
    return this.count * (this.paddedDim * 5 + 4);
  }

  handleAt(row: number): number {
    return this.handles[row]!;
  }

  private get scalesOffset() {
    return this.rowsI8 + align16(this.capacity * this.paddedDim);
  }
  private get rowsF32Offset() {
    return this.scalesOffset + align16(this.capacity * 4);
  }
  private get scoresOffset() {
    return this.rowsF32Offset + this.capacity * this.paddedDim * 4;
  }

  /** Makes room for `needed` rows in all, so loading a known number of rows never moves them. */
  reserve(needed: number): void {
    if (needed <= this.capacity) return;
    const oldScales = this.scalesOffset;
    const oldF32 = this.rowsF32Offset;
    this.capacity = Math.max(needed, this.capacity * 2, 1024);
    const end = this.scoresOffset + this.capacity * 4;
    const memory = this.kernel.memory;
    if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
    // Regions only move up; move the last one first so nothing live is overwritten.
    const bytes = new Uint8Array(memory.buffer);
    bytes.copyWithin(this.rowsF32Offset, oldF32, oldF32 + this.count * this.paddedDim * 4);
    bytes.copyWithin(this.scalesOffset, oldScales, oldScales + this.count * 4);
    const handles = new Int32Array(this.capacity);
    handles.set(this.handles.subarray(0, this.count));
    this.handles = handles;
  }

  /**
   * Appends `vectors` ([n, dim], unit length) with their handles, and their int8 form when the
   * caller has it already (as stored blocks do), else quantises them here.
   */
  append(vectors: Float32Array, handles: ArrayLike<number>, quantized?: QuantizedRows): void {
    const n = handles.length;
    if (vectors.length !== n * this.dim) throw new RangeError('vectors and handles disagree in length');
    const { values, scales } = quantized ?? quantizeRows(vectors, n, this.dim);
    this.reserve(this.count + n);
    const buffer = this.kernel.memory.buffer;
    const { dim, paddedDim } = this;
    const rowsF32 = new Float32Array(buffer, this.rowsF32Offset, this.capacity * paddedDim);
    const rowsI8 = new Int8Array(buffer, this.rowsI8, this.capacity * paddedDim);
    new Float32Array(buffer, this.scalesOffset, this.capacity).set(scales, this.count);
    if (dim === paddedDim) {
      rowsF32.set(vectors, this.count * dim);
      rowsI8.set(values, this.count * dim);
    } else {
      for (let i = 0; i < n; i++) {
        const base = (this.count + i) * paddedDim;
        rowsF32.set(vectors.subarray(i * dim, (i + 1) * dim), base);
        rowsF32.fill(0, base + dim, base + paddedDim);
        rowsI8.set(values.subarray(i * dim, (i + 1) * dim), base);
        rowsI8.fill(0, base + dim, base + paddedDim);
      }
    }
    this.handles.set(handles, this.count);
    this.count += n;
  }

  /** Drops the rows whose handle fails `keep`, closing the gaps (rows keep their order). */
  retain(keep: (handle: number) => boolean): void {
    const buffer = this.kernel.memory.buffer;
    const pd = this.paddedDim;
    const rowsF32 = new Float32Array(buffer, this.rowsF32Offset, this.capacity * pd);
    const rowsI8 = new Int8Array(buffer, this.rowsI8, this.capacity * pd);
    const scales = new Float32Array(buffer, this.scalesOffset, this.capacity);
    let kept = 0;
    for (let row = 0; row < this.count; row++) {
      if (!keep(this.handles[row]!)) continue;
      if (kept !== row) {
        rowsF32.copyWithin(kept * pd, row * pd, (row + 1) * pd);
        rowsI8.copyWithin(kept * pd, row * pd, (row + 1) * pd);
        scales[kept] = scales[row]!;
        this.handles[kept] = this.handles[row]!;
      }
      kept++;
    }
    this.count = kept;
  }

  /** The float vector of a row (a view: copy it before changing the matrix). */
  vector(row: number): Float32Array {
    return new Float32Array(
      this.kernel.memory.buffer,
      this.rowsF32Offset + row * this.paddedDim * 4,
      this.dim,
    );
  }

  /**
   * The k rows most similar (dot product) to `query` among rows whose handle passes `allowed`.
   * int8 mode ranks every row on the quantised vectors, then re-ranks the best `candidates` in float.
   */
  search(
    query: Float32Array,
    k: number,
    options: { precision?: DensePrecision; candidates?: number; allowed?: (handle: number) => boolean } = {},
  ): DenseHits {
    if (query.length !== this.dim)
      throw new RangeError(`query has ${query.length} dimensions, expected ${this.dim}`);
    if (this.count === 0 || k <= 0) return { rows: new Int32Array(0), scores: new Float32Array(0) };
    const allowed = options.allowed;
    const rowFilter = allowed ? (row: number) => allowed(this.handles[row]!) : undefined;
    const buffer = this.kernel.memory.buffer;
    const scores = new Float32Array(buffer, this.scoresOffset, this.count);
    const queryF32 = new Float32Array(buffer, this.queryF32, this.paddedDim);
    queryF32.fill(0);
    queryF32.set(query);
    if (options.precision === 'float') {
      this.kernel.scoreFloat(
        this.queryF32,
        this.rowsF32Offset,
        this.count,
        this.paddedDim,
        this.scoresOffset,
      );
      return topK(scores, this.count, k, rowFilter);
    }
    const queryI16 = new Int16Array(buffer, this.queryI16, this.paddedDim);
    let maxAbs = 0;
    for (let d = 0; d < this.dim; d++) maxAbs = Math.max(maxAbs, Math.abs(query[d]!));
    const scale = maxAbs > 0 ? maxAbs / 127 : 1;
    queryI16.fill(0);
    for (let d = 0; d < this.dim; d++) queryI16[d] = Math.round(query[d]! / scale);
    this.kernel.scoreInt8(
      this.queryI16,
      this.rowsI8,
      this.scalesOffset,
      this.count,
      this.paddedDim,
      this.scoresOffset,
    );
    const shortlist = topK(scores, this.count, Math.max(k, options.candidates ?? k * 10), rowFilter);
    // Float re-rank of the shortlist.
    const exact = new Float32Array(shortlist.rows.length);
    for (let i = 0; i < shortlist.rows.length; i++) exact[i] = dot(query, this.vector(shortlist.rows[i]!));
    return topK(exact, exact.length, k).rows.reduce<DenseHits>(
      (hits, index, i) => {
        hits.rows[i] = shortlist.rows[index]!;
        hits.scores[i] = exact[index]!;
        return hits;
      },
      {
        rows: new Int32Array(Math.min(k, exact.length)),
        scores: new Float32Array(Math.min(k, exact.length)),
      },
    );
  }
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
