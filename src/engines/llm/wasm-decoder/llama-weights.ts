import type { Projection } from '../../lora/index.ts';
import type { WasmHeap } from './heap.ts';
import type { LlamaGraph, LlamaShape, MatrixSource, Q4Source } from './llama-graph.ts';

/**
 * A 4-bit matrix in the heap, as decoder.wat reads it: `nib` [N4, K / 2] (MatMulNBits' bytes
 * unchanged, rows padded with zeros to a multiple of 4), `scl` [G, KB, 4] f32 and `zp` [G, KB, 4] u8
 * regrouped by four rows, KB = K / 32 (a larger block's scale repeats for each 32 of its weights).
 */
export interface HeapQ4 {
  kind: 'q4';
  n: number;
  k: number;
  kb: number;
  groups: number;
  nib: number;
  scl: number;
  zp: number;
}

/** A float matrix [K, N] row-major (a MatMul's right-hand side), or an embedding table [vocab, hidden]. */
export interface HeapF32 {
  kind: 'f32';
  layout: 'kn' | 'nk';
  n: number;
  k: number;
  ptr: number;
}

export type HeapMatrix = HeapQ4 | HeapF32;

export interface LlamaLayerWeights {
  inputNorm: number;
  postNorm: number;
  projections: Record<Projection, HeapMatrix>;
}

export interface LlamaWeights {
  shape: LlamaShape;
  embedding: HeapMatrix;
  layers: LlamaLayerWeights[];
  finalNorm: number;
  lmHead: HeapMatrix;
  /** Heap bytes the weights take, and the bytes of the file's initializers. */
  residentBytes: number;
  fileWeightBytes: number;
}

/** Bytes a matrix will take in the heap (to grow the memory once, before copying). */
function heapBytes(source: MatrixSource): number {
  if (source.kind === 'f32') return source.n * source.k * 4;
  const n4 = Math.ceil(source.n / 4) * 4;
  const kb = source.k / 32;
  return align(n4 * (source.k / 2)) + align(n4 * kb * 4) + align(n4 * kb);
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** Copies every weight of the graph into the heap, in the layouts the kernels read. */
export function placeWeights(graph: LlamaGraph, heap: WasmHeap): LlamaWeights {
  const before = heap.bytesInUse('weights');
  const hidden = graph.shape.hidden;
  let total = heapBytes(graph.embedding) + align(hidden * 4);
  if (graph.lmHead !== 'tied') total += heapBytes(graph.lmHead);
  for (const layer of graph.layers) {
    total += 2 * align(hidden * 4);
    for (const matrix of Object.values(layer.projections)) total += heapBytes(matrix);
  }
  heap.reserve(total);

  const floats = (values: Float32Array): number => {
    const ptr = heap.alloc(values.length * 4, 'weights');
    heap.f32.set(values, ptr / 4);
    return ptr;
  };
  const place = (source: MatrixSource): HeapMatrix => {
    if (source.kind === 'f32') {
      const { layout, n, k } = source;
      return { kind: 'f32', layout, n, k, ptr: floats(source.data) };
    }
    return placeQ4(source, heap);
  };
  const embedding = place(graph.embedding);
  const layers = graph.layers.map((layer) => ({
    inputNorm: floats(layer.inputNorm),
    postNorm: floats(layer.postNorm),
    projections: Object.fromEntries(
      Object.entries(layer.projections).map(([name, source]) => [name, place(source)]),
    ) as Record<Projection, HeapMatrix>,
  }));
  const finalNorm = floats(graph.finalNorm);
  const lmHead = graph.lmHead === 'tied' ? embedding : place(graph.lmHead);
  return {
    shape: graph.shape,
    embedding,
    layers,
    finalNorm,
    lmHead,
    residentBytes: heap.bytesInUse('weights') - before,
    fileWeightBytes: graph.fileWeightBytes,
  };
}

function placeQ4(source: Q4Source, heap: WasmHeap): HeapQ4 {
  const { n, k, blockSize, packed, scales, zeros } = source;
  const groups = Math.ceil(n / 4);
  const kb = k / 32;
  const fileBlocks = k / blockSize;
  const perFileBlock = blockSize / 32;
  const nib = heap.alloc(groups * 4 * (k / 2), 'weights');
  const scl = heap.alloc(groups * kb * 16, 'weights');
  const zp = heap.alloc(groups * kb * 4, 'weights');
  const u8 = heap.u8;
  u8.set(packed, nib);
  u8.fill(0, nib + n * (k / 2), nib + groups * 4 * (k / 2));
  const f32 = heap.f32;
  const sBase = scl / 4;
  for (let g = 0; g < groups; g++) {
    for (let b = 0; b < kb; b++) {
      const at = (g * kb + b) * 4;
      const fileBlock = Math.floor(b / perFileBlock);
      for (let r = 0; r < 4; r++) {
        const row = 4 * g + r;
        if (row >= n) {
          f32[sBase + at + r] = 0;
          u8[zp + at + r] = 0;
          continue;
        }
        f32[sBase + at + r] = scales[row * fileBlocks + fileBlock]!;
        u8[zp + at + r] = zeros ? zeros[row * fileBlocks + fileBlock]! : 8;
      }
    }
  }
  return { kind: 'q4', n, k, kb, groups, nib, scl, zp };
}

/** One row of an embedding table as floats: (q - zp) * scale for 4-bit rows, a copy for float ones. */
export function embeddingRow(heap: WasmHeap, table: HeapMatrix, row: number, out: Float32Array): void {
  if (table.kind === 'f32') {
    const start = table.ptr / 4 + row * table.k;
    out.set(heap.f32.subarray(start, start + table.k));
    return;
  }
  const u8 = heap.u8;
  const f32 = heap.f32;
  const g = row >> 2;
  const r = row & 3;
  const rowStart = table.nib + row * (table.k / 2);
  for (let b = 0; b < table.kb; b++) {
    const at = (g * table.kb + b) * 4 + r;
    const scale = f32[table.scl / 4 + at]!;
    const zero = u8[table.zp + at]!;
    for (let j = 0; j < 16; j++) {
      const byte = u8[rowStart + b * 16 + j]!;
      out[b * 32 + 2 * j] = ((byte & 0x0f) - zero) * scale;
      out[b * 32 + 2 * j + 1] = ((byte >> 4) - zero) * scale;
    }
  }
}
