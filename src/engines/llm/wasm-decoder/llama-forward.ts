import type { Projection } from '../../lora/index.ts';
import type { Executor } from './executor.ts';
import type { WasmHeap } from './heap.ts';
import { writeAttention, writeF32, writeQ4, type Q4Product } from './jobs.ts';
import type { DecoderKernels } from './kernels/instance.ts';
import type { PagedKvCache } from './kv-pages.ts';
import { embeddingRow, type HeapMatrix, type HeapQ4, type LlamaWeights } from './llama-weights.ts';

/** A LoRA input in the heap: `lora.<projection>.A` [layers, in, r] or `.B` [layers, r, out], f32. */
export interface HeapLoraTensor {
  ptr: number;
  dims: number[];
}

/** Tokens run through the layers together: bounds the scratch memory and lets a long prefill yield. */
export const CHUNK_TOKENS = 64;

/**
 * The forward pass of a Llama-family decoder over the heap: embedding, per layer RMSNorm ->
 * q/k/v (4-bit x 8-bit) -> RoPE -> grouped-query attention over the paged KV cache -> o_proj ->
 * residual, RMSNorm -> gate/up -> SiLU(gate) * up -> down_proj -> residual; then the final norm and
 * the LM head on the last position. Every input of a 4-bit product is quantised to 8 bits per block
 * of 32 (quantize_q8); LoRA deltas are computed in f32 from the unquantised input and added to the
 * product's output. Activations are [tokens, features] f32.
 */
export class LlamaForward {
  private readonly buffers: Record<
    | 'x'
    | 'h'
    | 'q'
    | 'k'
    | 'v'
    | 'att'
    | 'gate'
    | 'up'
    | 'proj'
    | 'xq'
    | 'xs'
    | 'xsum'
    | 'cos'
    | 'sin'
    | 'logits'
    | 'scores',
    number
  >;
  private loraScratch = { ptr: 0, floats: 0 };
  private readonly invFreq: Float32Array;
  private readonly row: Float32Array;
  private readonly qWidth: number;
  private readonly kvWidth: number;
  private readonly scoresStride: number;

  constructor(
    private readonly heap: WasmHeap,
    private readonly kernels: DecoderKernels,
    private readonly executor: Executor,
    readonly weights: LlamaWeights,
    readonly cache: PagedKvCache,
  ) {
    const { hidden, intermediate, heads, kvHeads, headDim, vocab } = weights.shape;
    this.qWidth = heads * headDim;
    this.kvWidth = kvHeads * headDim;
    const widest = Math.max(hidden, intermediate, this.qWidth);
    const f = (count: number) => heap.alloc(count * 4, 'scratch');
    const c = CHUNK_TOKENS;
    const rep = heads / kvHeads;
    this.scoresStride = Math.ceil((rep * cache.capacity * 4) / 64) * 64;
    this.buffers = {
      x: f(c * hidden),
      h: f(c * hidden),
      q: f(c * this.qWidth),
      k: f(c * this.kvWidth),
      v: f(c * this.kvWidth),
      att: f(c * this.qWidth),
      gate: f(c * intermediate),
      up: f(c * intermediate),
      proj: f(c * hidden),
      xq: heap.alloc(c * widest, 'scratch'),
      xs: f((c * widest) / 32),
      xsum: f((c * widest) / 32),
      cos: f((c * headDim) / 2),
      sin: f((c * headDim) / 2),
      logits: f(Math.ceil(Math.max(vocab, weights.lmHead.n) / 4) * 4),
      scores: heap.alloc(this.scoresStride * executor.threads, 'scratch'),
    };
    // RoPE frequencies as PyTorch computes them in float32: 1 / theta^(2i / d).
    this.invFreq = new Float32Array(headDim / 2);
    for (let i = 0; i < headDim / 2; i++) {
      const exponent = Math.fround(Math.fround(2 * i) / headDim);
      this.invFreq[i] = Math.fround(1 / Math.fround(Math.pow(weights.shape.ropeTheta, exponent)));
    }
    this.row = new Float32Array(hidden);
  }

  /** Runs `ids` after the cached positions and returns the last position's logits [vocab]. */
  forward(ids: number[], lora: Record<string, HeapLoraTensor>): Float32Array {
    for (let start = 0; start < ids.length; start += CHUNK_TOKENS) {
      this.chunk(ids.slice(start, start + CHUNK_TOKENS), lora);
    }
    return this.head((ids.length - 1) % CHUNK_TOKENS);
  }

  private chunk(ids: number[], lora: Record<string, HeapLoraTensor>): void {
    const { heap, kernels, buffers: b, weights, cache } = this;
    const { hidden, intermediate, heads, kvHeads, headDim, eps } = weights.shape;
    const tokens = ids.length;
    const first = cache.length;
    cache.reserve(first + tokens);
    for (let t = 0; t < tokens; t++) {
      embeddingRow(heap, weights.embedding, ids[t]!, this.row);
      heap.f32.set(this.row, b.x / 4 + t * hidden);
    }
    this.ropeTables(first, tokens);
    const scale = Math.fround(1 / Math.sqrt(headDim));
    weights.layers.forEach((layer, index) => {
      const p = layer.projections;
      kernels.rmsnorm(b.x, layer.inputNorm, b.h, hidden, tokens, eps);
      this.quantize(b.h, tokens * hidden);
      this.q4(tokens, [
        [p.q_proj, b.q],
        [p.k_proj, b.k],
        [p.v_proj, b.v],
      ]);
      this.lora(lora, 'q_proj', index, b.h, tokens, p.q_proj, b.q);
      this.lora(lora, 'k_proj', index, b.h, tokens, p.k_proj, b.k);
      this.lora(lora, 'v_proj', index, b.h, tokens, p.v_proj, b.v);
      kernels.rope(b.q, tokens, heads, headDim, b.cos, b.sin);
      kernels.rope(b.k, tokens, kvHeads, headDim, b.cos, b.sin);
      this.store(index, first, tokens);
      writeAttention(
        heap.i32,
        heap.f32,
        this.executor.control,
        {
          tokens,
          first,
          heads,
          kvHeads,
          headDim,
          q: b.q,
          out: b.att,
          kTable: cache.tables[index * 2]!,
          vTable: cache.tables[index * 2 + 1]!,
          scale,
          scores: b.scores,
          scoresStride: this.scoresStride,
        },
        this.executor.threads,
      );
      this.executor.run();
      this.quantize(b.att, tokens * this.qWidth);
      this.q4(tokens, [[p.o_proj, b.proj]]);
      this.lora(lora, 'o_proj', index, b.att, tokens, p.o_proj, b.proj);
      kernels.add(b.x, b.proj, tokens * hidden);

      kernels.rmsnorm(b.x, layer.postNorm, b.h, hidden, tokens, eps);
      this.quantize(b.h, tokens * hidden);
      this.q4(tokens, [
        [p.gate_proj, b.gate],
        [p.up_proj, b.up],
      ]);
      this.lora(lora, 'gate_proj', index, b.h, tokens, p.gate_proj, b.gate);
      this.lora(lora, 'up_proj', index, b.h, tokens, p.up_proj, b.up);
      kernels.silu_mul(b.gate, b.up, tokens * intermediate);
      this.quantize(b.gate, tokens * intermediate);
      this.q4(tokens, [[p.down_proj, b.proj]]);
      this.lora(lora, 'down_proj', index, b.gate, tokens, p.down_proj, b.proj);
      kernels.add(b.x, b.proj, tokens * hidden);
    });
    cache.advance(tokens);
  }

  /** Final norm and LM head on token `last` of the chunk just run. */
  private head(last: number): Float32Array {
    const { heap, kernels, buffers: b, weights } = this;
    const { hidden, vocab, eps } = weights.shape;
    kernels.rmsnorm(b.x + last * hidden * 4, weights.finalNorm, b.h, hidden, 1, eps);
    const lmHead = weights.lmHead;
    if (lmHead.kind === 'q4') {
      this.quantize(b.h, hidden);
      this.q4(1, [[lmHead, b.logits]]);
    } else {
      writeF32(
        heap.i32,
        this.executor.control,
        { x: b.h, rows: 1, k: hidden, w: lmHead.ptr, n: lmHead.n, out: b.logits },
        this.executor.threads,
      );
      this.executor.run();
    }
    return heap.f32.slice(b.logits / 4, b.logits / 4 + vocab);
  }

  private quantize(x: number, count: number): void {
    this.kernels.quantize_q8(x, count / 32, this.buffers.xq, this.buffers.xs, this.buffers.xsum);
  }

  /** 4-bit products of the quantised activations, all in one job (they share the input). */
  private q4(tokens: number, products: Array<[HeapMatrix, number]>): void {
    const list: Q4Product[] = products.map(([matrix, out]) => {
      const q4 = matrix as HeapQ4;
      if (q4.kind !== 'q4') throw new Error('a projection with float weights reached the 4-bit path');
      return { nib: q4.nib, scl: q4.scl, zp: q4.zp, kb: q4.kb, groups: q4.groups, out };
    });
    const { xq, xs, xsum } = this.buffers;
    writeQ4(
      this.heap.i32,
      this.executor.control,
      { tokens, xq, xs, xsum, products: list },
      this.executor.threads,
    );
    this.executor.run();
  }

  /** out += (x @ A[layer]) @ B[layer] when the request's adapter touches this projection (rank > 0). */
  private lora(
    feeds: Record<string, HeapLoraTensor>,
    projection: Projection,
    layer: number,
    x: number,
    tokens: number,
    matrix: HeapMatrix,
    out: number,
  ): void {
    const a = feeds[`lora.${projection}.A`];
    const bTensor = feeds[`lora.${projection}.B`];
    if (!a || !bTensor) return;
    const rank = a.dims[2]!;
    if (rank === 0) return;
    const inF = matrix.k;
    const outF = matrix.n;
    const need = tokens * rank;
    if (this.loraScratch.floats < need) {
      if (this.loraScratch.ptr) this.heap.release(this.loraScratch.ptr);
      this.loraScratch = { ptr: this.heap.alloc(need * 4, 'scratch'), floats: need };
    }
    const tmp = this.loraScratch.ptr;
    this.kernels.f32_matmul(x, tokens, inF, a.ptr + layer * inF * rank * 4, rank, 0, rank, tmp, 0);
    this.kernels.f32_matmul(tmp, tokens, rank, bTensor.ptr + layer * rank * outF * 4, outF, 0, outF, out, 1);
  }

  /** Writes the chunk's keys and values (after RoPE) into the cache's pages. */
  private store(layer: number, first: number, tokens: number): void {
    const { heap, buffers: b, cache } = this;
    const { kvHeads, headDim } = this.weights.shape;
    const f32 = heap.f32;
    for (let t = 0; t < tokens; t++) {
      for (let head = 0; head < kvHeads; head++) {
        const from = (t * this.kvWidth + head * headDim) * 4;
        const position = first + t;
        f32.copyWithin(
          cache.rowOffset(layer, 0, head, position) / 4,
          (b.k + from) / 4,
          (b.k + from) / 4 + headDim,
        );
        f32.copyWithin(
          cache.rowOffset(layer, 1, head, position) / 4,
          (b.v + from) / 4,
          (b.v + from) / 4 + headDim,
        );
      }
    }
  }

  /** cos and sin of position * inv_freq, [tokens, head_dim / 2], as PyTorch rounds them (float32). */
  private ropeTables(first: number, tokens: number): void {
    const f32 = this.heap.f32;
    const half = this.invFreq.length;
    for (let t = 0; t < tokens; t++) {
      for (let i = 0; i < half; i++) {
        const angle = Math.fround((first + t) * this.invFreq[i]!);
        f32[this.buffers.cos / 4 + t * half + i] = Math.cos(angle);
        f32[this.buffers.sin / 4 + t * half + i] = Math.sin(angle);
      }
    }
  }
}
