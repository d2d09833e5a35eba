import type { DecoderKernels } from './kernels/instance.ts';

/**
 * The parallel steps of a forward pass, written into a control block in the heap so that every
 * thread of the pool reads the same job. A job is cut into chunks (row ranges of the products, query
 * heads of the attention) that the threads claim one at a time, so a thread the system pauses only
 * delays the chunk it holds. Every output value is computed by one thread, in the same order whatever
 * the thread count: the results do not depend on it.
 *
 * Control block (i32 words): the job counter the helpers wait on, the claim word (job number << 16 |
 * next chunk), the count of chunks done, the operation, its chunk count, then its arguments.
 */
export const CONTROL_WORDS = 64;
export const JOB = 0;
export const CLAIM = 1;
export const DONE = 2;
const OP = 3;
const CHUNKS = 4;
const ARGS = 5;

export const enum Op {
  Stop = 0,
  Q4 = 1,
  F32 = 2,
  Attention = 3,
}

/** A 4-bit product for the kernels: rows in groups of four, and where its output goes. */
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

/**
 * Chunks per product and per thread. Each claim is an atomic on a line every thread writes: measured with
 * `npm run bench:llm` (SmolLM2-135M-shaped q4, two threads against one, a quiet 2-core machine, decode):
 * 1 chunk a thread 1.48x, 2 1.41x, 4 1.38x, 8 1.32x, 16 1.25x (medians of 2-4 rounds). A thread that starts late loses
 * nothing: the one that is running claims the other's chunk.
 */
const CHUNKS_PER_THREAD = 1;

/** Writes a job; returns its chunk count. */
export function writeQ4(i32: Int32Array, control: number, job: Q4Job, threads: number): number {
  const at = control / 4;
  let chunks = 0;
  i32.set([job.tokens, job.xq, job.xs, job.xsum, job.products.length], at + ARGS);
  job.products.forEach((p, i) => {
    const size = Math.max(1, Math.ceil(p.groups / (CHUNKS_PER_THREAD * threads)));
    chunks += Math.ceil(p.groups / size);
    i32.set([p.nib, p.scl, p.zp, p.kb, p.groups, p.out, size], at + ARGS + 5 + 7 * i);
  });
  i32[at + OP] = Op.Q4;
  i32[at + CHUNKS] = chunks;
  return chunks;
}

export function writeF32(i32: Int32Array, control: number, job: F32Job, threads: number): number {
  const at = control / 4;
  const chunks = Math.min(Math.ceil(job.n / 4), CHUNKS_PER_THREAD * threads);
  i32.set([job.x, job.rows, job.k, job.w, job.n, job.out], at + ARGS);
  i32[at + OP] = Op.F32;
  i32[at + CHUNKS] = chunks;
  return chunks;
}

/**
 * Query heads a chunk of the attention takes: all those of one KV head on one thread (their keys are
 * read once for all), two of them on several (finer chunks balance the threads).
 */
function headsPerChunk(rep: number, threads: number): number {
  return threads === 1 ? rep : Math.min(rep, 2);
}

export function writeAttention(
  i32: Int32Array,
  f32: Float32Array,
  control: number,
  job: AttentionJob,
  threads: number,
): number {
  const at = control / 4;
  const rep = job.heads / job.kvHeads;
  const perChunk = headsPerChunk(rep, threads);
  const chunks = job.kvHeads * Math.ceil(rep / perChunk);
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
      perChunk,
    ],
    at + ARGS,
  );
  f32[at + ARGS + 9] = job.scale;
  i32[at + OP] = Op.Attention;
  i32[at + CHUNKS] = chunks;
  return chunks;
}

export function writeStop(i32: Int32Array, control: number): void {
  i32[control / 4 + OP] = Op.Stop;
  i32[control / 4 + CHUNKS] = 0;
}

export function jobOp(i32: Int32Array, control: number): Op {
  return i32[control / 4 + OP] as Op;
}

export function jobChunks(i32: Int32Array, control: number): number {
  return i32[control / 4 + CHUNKS]!;
}

/** Runs chunk `chunk` of the job in the control block; `thread` picks the thread's own scratch. */
export function runChunk(
  kernels: DecoderKernels,
  i32: Int32Array,
  f32: Float32Array,
  control: number,
  chunk: number,
  thread: number,
): void {
  const a = control / 4 + ARGS;
  switch (i32[control / 4 + OP] as Op) {
    case Op.Q4: {
      const [tokens, xq, xs, xsum, count] = [i32[a]!, i32[a + 1]!, i32[a + 2]!, i32[a + 3]!, i32[a + 4]!];
      let first = 0;
      for (let i = 0; i < count; i++) {
        const p = a + 5 + 7 * i;
        const groups = i32[p + 4]!;
        const size = i32[p + 6]!;
        const own = Math.ceil(groups / size);
        if (chunk >= first + own) {
          first += own;
          continue;
        }
        const [nib, scl, zp, kb, out] = [i32[p]!, i32[p + 1]!, i32[p + 2]!, i32[p + 3]!, i32[p + 5]!];
        const g0 = (chunk - first) * size;
        const g1 = Math.min(groups, g0 + size);
        if (tokens === 1) kernels.q4_gemv(nib, scl, zp, kb, g0, g1, xq, xs, xsum, out);
        else kernels.q4_gemm(nib, scl, zp, kb, g0, g1, xq, xs, xsum, tokens, groups, out);
        return;
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
      const chunks = i32[control / 4 + CHUNKS]!;
      const fours = Math.ceil(n / 4);
      const c0 = Math.floor((fours * chunk) / chunks) * 4;
      const c1 = Math.min(n, Math.floor((fours * (chunk + 1)) / chunks) * 4);
      if (c0 < c1) kernels.f32_matmul(x, rows, k, w, n, c0, c1, out, 0);
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
      const perChunk = i32[a + 12]!;
      const perKv = Math.ceil(rep / perChunk);
      const kv = Math.floor(chunk / perKv);
      const from = kv * rep + (chunk % perKv) * perChunk;
      const to = Math.min((kv + 1) * rep, from + perChunk);
      const headBytes = headDim * 4;
      for (let t = 0; t < tokens; t++) {
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
      return;
    }
    case Op.Stop:
      return;
  }
}

/**
 * Claims and runs chunks of the job numbered `job` until none is left; returns how many it ran.
 * A claim is a compare-and-swap on (job << 16 | next chunk): one for another job fails, so a thread
 * that saw an older job never runs a chunk of a newer one with stale arguments.
 */
export function claimAndRun(
  kernels: DecoderKernels,
  i32: Int32Array,
  f32: Float32Array,
  control: number,
  job: number,
  thread: number,
): void {
  const base = control / 4;
  const chunks = i32[base + CHUNKS]!;
  for (;;) {
    const claim = Atomics.load(i32, base + CLAIM);
    if (claim >>> 16 !== job || (claim & 0xffff) >= chunks) return;
    if (Atomics.compareExchange(i32, base + CLAIM, claim, claim + 1) !== claim) continue;
    runChunk(kernels, i32, f32, control, claim & 0xffff, thread);
    Atomics.add(i32, base + DONE, 1);
  }
}
