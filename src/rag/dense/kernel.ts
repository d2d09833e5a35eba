import { kernelWasmBase64 } from './kernel-wasm.ts';

/**
 * Scores every row against a query. `memory` holds query, rows, scales and output; all offsets are
 * byte offsets into it and all are 16-byte aligned. Rows are padded to `dim % 16 == 0`.
 */
export interface ScoreKernel {
  readonly name: 'wasm-simd' | 'js';
  readonly memory: WebAssembly.Memory;
  /** out[r] = scales[r] * dot(q_i16, rows_i8[r]) for r < n. */
  scoreInt8(query: number, rows: number, scales: number, n: number, dim: number, out: number): void;
  /** out[r] = dot(q_f32, rows_f32[r]) for r < n. */
  scoreFloat(query: number, rows: number, n: number, dim: number, out: number): void;
}

const MAX_PAGES = 65536; // 4 GiB, the wasm32 ceiling; pages are only committed when grown into

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The SIMD kernel where the engine supports WebAssembly SIMD, else the same arithmetic in JS. */
export function createScoreKernel(options: { preferJs?: boolean } = {}): ScoreKernel {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES });
  if (!options.preferJs) {
    try {
      const module = new WebAssembly.Module(decodeBase64(kernelWasmBase64) as BufferSource);
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      const exports = instance.exports as {
        score_i8: ScoreKernel['scoreInt8'];
        score_f32: ScoreKernel['scoreFloat'];
      };
      return { name: 'wasm-simd', memory, scoreInt8: exports.score_i8, scoreFloat: exports.score_f32 };
    } catch {
      // No SIMD in this engine: fall through to the JS kernel.
    }
  }
  return createJsKernel(memory);
}

function createJsKernel(memory: WebAssembly.Memory): ScoreKernel {
  return {
    name: 'js',
    memory,
    scoreInt8(query, rows, scales, n, dim, out) {
      const q = new Int16Array(memory.buffer, query, dim);
      const v = new Int8Array(memory.buffer, rows, n * dim);
      const s = new Float32Array(memory.buffer, scales, n);
      const o = new Float32Array(memory.buffer, out, n);
      for (let r = 0, base = 0; r < n; r++, base += dim) {
        let acc = 0;
        for (let d = 0; d < dim; d++) acc += q[d]! * v[base + d]!;
        o[r] = s[r]! * acc;
      }
    },
    scoreFloat(query, rows, n, dim, out) {
      const q = new Float32Array(memory.buffer, query, dim);
      const v = new Float32Array(memory.buffer, rows, n * dim);
      const o = new Float32Array(memory.buffer, out, n);
      for (let r = 0, base = 0; r < n; r++, base += dim) {
        let acc = 0;
        for (let d = 0; d < dim; d++) acc += q[d]! * v[base + d]!;
        o[r] = acc;
      }
    },
  };
}
