import type { DecoderKernels } from './kernels/instance.ts';

/**
 * The parallel steps of a forward pass, written into a control block in the heap so that every
 * thread of the pool reads the same job: word 0 counts jobs (the pool's helpers wait on it), word 1
 * counts helpers done, word 2 is the operation, then its arguments. Each thread runs its share:
 * output rows (4-bit and float products) or query heads (attention), so every output value is
 * computed by exactly one thread, in the same order whatever the thread count: the results do not
 * depend on it.
 */
export const CONTROL_WORDS = 64;
export const JOB_COUNTER = 0;
export const DONE_COUNTER = 1;
const OP = 2;
const ARGS = 3;

export const enum Op {
  Stop = 0,
  Q4 = 1,
  F32 = 2,
  Attention = 3,
}

/** A 4-bit product for the kernels: rows of groups of four, and where its output goes. */
export interface Q4Product {
  nib: number;
  scl: number;
  zp: number;
  kb: number;
  groups: number;
  out: number;
}

export interface Q4Job {
  tokens: number;
  xq: number;
  xs: number;
  xsum: number;
  products: Q4Product[];
}

export interface F32Job {
  x: number;
  rows: number;
  k: number;
  w: number;
  n: number;
  out: number;
}

export interface AttentionJob {
  tokens: number;
  /** Position of the first token; token i attends to positions 0..first + i. */
  first: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** [tokens, heads, headDim] queries and outputs. */
  q: number;
  out: number;
  kTable: number;
  vTable: number;
  scale: number;
  /** Scratch scores: thread t uses scores + t * scoresStride. */
  scores: number;
  scoresStride: number;
}

export function writeQ4(i32: Int32Array, control: number, job: Q4Job): void {
  const at = control / 4;
  i32[at + OP] = Op.Q4;
  i32.set([job.tokens, job.xq, job.xs, job.xsum, job.products.length], at + ARGS);
  job.products.forEach((p, i) => i32.set([p.nib, p.scl, p.zp, p.kb, p.groups, p.out], at + ARGS + 5 + 6 * i));
}

export function writeF32(i32: Int32Array, control: number, job: F32Job): void {
  const at = control / 4;
  i32[at + OP] = Op.F32;
  i32.set([job.x, job.rows, job.k, job.w, job.n, job.out], at + ARGS);
}

export function writeAttention(i32: Int32Array, f32: Float32Array, control: number, job: AttentionJob): void {
  const at = control / 4;
  i32[at + OP] = Op.Attention;
  i32.set(
    [
      job.tokens,
      job.first,
      job.heads,
      job.kvHeads,
      job.headDim,
      job.q,
      job.out,
      job.kTable,
      job.vTable,
      0,
      job.scores,
      job.scoresStride,
    ],
    at + ARGS,
  );
  f32[at + ARGS + 9] = job.scale;
}

export function writeStop(i32: Int32Array, control: number): void {
  i32[control / 4 + OP] = Op.Stop;
}

export function jobOp(i32: Int32Array, control: number): Op {
  return i32[control / 4 + OP] as Op;
}

/** `count` items split evenly over `threads`: the range of thread `thread`. */
function share(count: number, thread: number, threads: number): [number, number] {
  return [Math.floor((count * thread) / threads), Math.floor((count * (thread + 1)) / threads)];
}

/** Runs thread `thread`'s share of the job in the control block. */
export function runShare(
  kernels: DecoderKernels,
  i32: Int32Array,
  f32: Float32Array,
  control: number,
  thread: number,
  threads: number,
): void {
  const a = control / 4 + ARGS;
  switch (i32[control / 4 + OP] as Op) {
    case Op.Q4: {
      const [tokens, xq, xs, xsum, count] = [i32[a]!, i32[a + 1]!, i32[a + 2]!, i32[a + 3]!, i32[a + 4]!];
      for (let i = 0; i < count; i++) {
        const p = a + 5 + 6 * i;
        const [nib, scl, zp, kb, groups, out] = [
          i32[p]!,
          i32[p + 1]!,
          i32[p + 2]!,
          i32[p + 3]!,
          i32[p + 4]!,
          i32[p + 5]!,
        ];
        const [g0, g1] = share(groups, thread, threads);
        if (g0 === g1) continue;
        if (tokens === 1) kernels.q4_gemv(nib, scl, zp, kb, g0, g1, xq, xs, xsum, out);
        else kernels.q4_gemm(nib, scl, zp, kb, g0, g1, xq, xs, xsum, tokens, groups, out);
      }
      return;
    }
    case Op.F32: {
      const [x, rows, k, w, n, out] = [
        i32[a]!,
        i32[a + 1]!,
        i32[a + 2]!,
        i32[a + 3]!,
        i32[a + 4]!,
        i32[a + 5]!,
      ];
      // Columns in fours, so that only the last thread has a scalar tail.
      const [c0, c1] = share(Math.ceil(n / 4), thread, threads);
      if (c0 < c1) kernels.f32_matmul(x, rows, k, w, n, c0 * 4, Math.min(n, c1 * 4), out, 0);
      return;
    }
    case Op.Attention: {
      const [tokens, first, heads, kvHeads, headDim, q, out, kTable, vTable] = [
        i32[a]!,
        i32[a + 1]!,
        i32[a + 2]!,
        i32[a + 3]!,
        i32[a + 4]!,
        i32[a + 5]!,
        i32[a + 6]!,
        i32[a + 7]!,
        i32[a + 8]!,
      ];
      const scale = f32[a + 9]!;
      const scores = i32[a + 10]! + thread * i32[a + 11]!;
      const rep = heads / kvHeads;
      const headBytes = headDim * 4;
      const [h0, h1] = share(heads, thread, threads);
      for (let t = 0; t < tokens; t++) {
        for (let kv = Math.floor(h0 / rep); kv * rep < h1; kv++) {
          const from = Math.max(h0, kv * rep);
          const to = Math.min(h1, (kv + 1) * rep);
          const row = (t * heads + from) * headBytes;
          // Page rows of kv head `kv` start kv * 64 rows into each page.
          kernels.attend(
            q + row,
            to - from,
            headDim,
            kTable,
            vTable,
            kv * 64 * headBytes,
            first + t + 1,
            scale,
            scores,
            out + row,
          );
        }
      }
      return;
    }
    case Op.Stop:
      return;
  }
}
