import { WasmHeap } from '../../../../src/engines/llm/wasm-decoder/heap.ts';
import {
  instantiateKernels,
  kernelModule,
  type DecoderKernels,
  type SimdFlavour,
} from '../../../../src/engines/llm/wasm-decoder/kernels/instance.ts';
import type { Q4Source } from '../../../../src/engines/llm/wasm-decoder/llama-graph.ts';
import { placeWeights, type HeapQ4 } from '../../../../src/engines/llm/wasm-decoder/llama-weights.ts';
import { prng } from '../../../support/prng.ts';

/** A 4-bit matrix as MatMulNBits stores it; `extreme` puts every nibble and zero point at 0 or 15. */
export function q4Matrix(n: number, k: number, seed: number, blockSize = 32, extreme = false): Q4Source {
  const rand = prng(seed);
  const blocks = k / blockSize;
  const packed = new Uint8Array((n * k) / 2);
  for (let i = 0; i < packed.length; i++)
    packed[i] = extreme ? (rand() < 0.5 ? 0x00 : 0xff) : Math.floor(rand() * 256);
  const scales = Float32Array.from({ length: n * blocks }, () => 0.001 + rand() * 0.05);
  const zeros = Uint8Array.from({ length: n * blocks }, () =>
    extreme ? (rand() < 0.5 ? 0 : 15) : Math.floor(rand() * 16),
  );
  return { kind: 'q4', n, k, blockSize, packed, scales, zeros };
}

/** The integer level of a weight, q - zp. */
export function level(m: Q4Source, row: number, col: number): number {
  const byte = m.packed[(row * m.k + col) >> 1]!;
  const q = col & 1 ? byte >> 4 : byte & 0x0f;
  return q - (m.zeros ? m.zeros[row * (m.k / m.blockSize) + Math.floor(col / m.blockSize)]! : 8);
}

/** The weight the file means, (q - zp) * scale (exact in float64). */
export function weight(m: Q4Source, row: number, col: number): number {
  return level(m, row, col) * m.scales[row * (m.k / m.blockSize) + Math.floor(col / m.blockSize)]!;
}

export function activations(rows: number, k: number, seed: number, extreme = false): Float32Array {
  const rand = prng(seed);
  return Float32Array.from({ length: rows * k }, (_, i) =>
    extreme ? (i % 7 === 0 ? 0 : rand() < 0.5 ? -3 : 3) : (rand() - 0.5) * 8 * (1 + (i % 5)),
  );
}

export interface KernelBench {
  heap: WasmHeap;
  kernels: DecoderKernels;
}

export function kernelBench(flavour: SimdFlavour): KernelBench {
  const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 4096 }));
  return { heap, kernels: instantiateKernels(kernelModule(flavour, false), heap.memory) };
}

/** Places a 4-bit matrix in the heap through the decoder's own loader. */
export function placeQ4(bench: KernelBench, m: Q4Source): HeapQ4 {
  const hidden = m.k;
  const weights = placeWeights(
    {
      shape: {
        layers: 0,
        hidden,
        intermediate: 32,
        heads: 1,
        kvHeads: 1,
        headDim: 16,
        vocab: m.n,
        eps: 1e-6,
        ropeTheta: 1e4,
      },
      embedding: m,
      layers: [],
      finalNorm: new Float32Array(hidden),
      lmHead: 'tied',
      fileWeightBytes: 0,
    },
    bench.heap,
  );
  return weights.lmHead as HeapQ4;
}

export interface Quantized {
  xq: number;
  xs: number;
  xsum: number;
}

/** Runs quantize_q8 over `rows` rows of K floats; returns where the 8-bit rows are. */
export function quantizeRows(bench: KernelBench, x: Float32Array): Quantized {
  const { heap } = bench;
  const xPtr = heap.alloc(x.length * 4, 'scratch');
  const xq = heap.alloc(x.length, 'scratch');
  const xs = heap.alloc((x.length / 32) * 4, 'scratch');
  const xsum = heap.alloc((x.length / 32) * 4, 'scratch');
  heap.f32.set(x, xPtr / 4);
  bench.kernels.quantize_q8(xPtr, x.length / 32, xq, xs, xsum);
  return { xq, xs, xsum };
}

/** q4_gemm (or q4_gemv for one row) over all rows of the matrix; returns [rows, N]. */
export function multiply(
  bench: KernelBench,
  m: HeapQ4,
  q: Quantized,
  rows: number,
  gemv = rows === 1,
): Float32Array {
  const out = bench.heap.alloc(rows * m.groups * 16, 'scratch');
  if (gemv) bench.kernels.q4_gemv(m.nib, m.scl, m.zp, m.kb, 0, m.groups, q.xq, q.xs, q.xsum, out);
  else bench.kernels.q4_gemm(m.nib, m.scl, m.zp, m.kb, 0, m.groups, q.xq, q.xs, q.xsum, rows, m.groups, out);
  const result = new Float32Array(rows * m.n);
  for (let r = 0; r < rows; r++)
    result.set(
      bench.heap.f32.subarray(out / 4 + r * m.groups * 4, out / 4 + r * m.groups * 4 + m.n),
      r * m.n,
    );
  return result;
}

/** The kernel's quantisation, emulated with float32 rounding (Math.fround): q [K] in natural order, d [K / 32]. */
export function emulateQuantize(x: Float32Array): { q: Int8Array; d: Float32Array } {
  const q = new Int8Array(x.length);
  const d = new Float32Array(x.length / 32);
  for (let b = 0; b < x.length / 32; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[b * 32 + j]!));
    const step = Math.fround(amax / 127);
    const inv = amax > 0 ? Math.fround(1 / step) : 0;
    d[b] = step;
    for (let j = 0; j < 32; j++) q[b * 32 + j] = roundHalfEven(Math.fround(x[b * 32 + j]! * inv));
  }
  return { q, d };
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const rest = value - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The kernel's product, emulated: per block the exact integer sum(q_x * (q_w - zp)), then in float32
 * acc += f32(total) * (scale * d), blocks in order. Weights are the file's, read through `weight`.
 */
export function emulateProduct(m: Q4Source, x: Float32Array, rows: number): Float32Array {
  const out = new Float32Array(rows * m.n);
  for (let r = 0; r < rows; r++) {
    const { q, d } = emulateQuantize(x.subarray(r * m.k, (r + 1) * m.k));
    for (let n = 0; n < m.n; n++) {
      let acc = 0;
      for (let b = 0; b < m.k / 32; b++) {
        const fileBlock = n * (m.k / m.blockSize) + Math.floor((b * 32) / m.blockSize);
        const scale = m.scales[fileBlock]!;
        let total = 0;
        for (let j = 0; j < 32; j++) total += q[b * 32 + j]! * level(m, n, b * 32 + j);
        acc = Math.fround(acc + Math.fround(total * Math.fround(scale * d[b]!)));
      }
      out[r * m.n + n] = acc;
    }
  }
  return out;
}
