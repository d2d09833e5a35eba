import { decoderKernels } from './kernels-wasm.ts';

/** Which build of the kernels runs: relaxed SIMD where the engine has it, else plain SIMD (the same results). */
export type SimdFlavour = 'relaxed' | 'plain';

/** The exports of decoder.wat; every pointer is a byte offset into the heap. */
export interface DecoderKernels {
  q4_gemm(
    nib: number,
    scl: number,
    zp: number,
    kb: number,
    g0: number,
    g1: number,
    xq: number,
    xs: number,
    xsum: number,
    tokens: number,
    n4: number,
    out: number,
  ): void;
  q4_gemv(
    nib: number,
    scl: number,
    zp: number,
    kb: number,
    g0: number,
    g1: number,
    xq: number,
    xs: number,
    xsum: number,
    out: number,
  ): void;
  quantize_q8(x: number, blocks: number, xq: number, xs: number, xsum: number): void;
  rmsnorm(x: number, w: number, out: number, n: number, rows: number, eps: number): void;
  rope(x: number, rows: number, heads: number, headDim: number, cos: number, sin: number): void;
  silu_mul(gate: number, up: number, n: number): void;
  add(x: number, y: number, n: number): void;
  f32_matmul(
    x: number,
    rows: number,
    k: number,
    w: number,
    n: number,
    n0: number,
    n1: number,
    out: number,
    accumulate: number,
  ): void;
  attend(
    q: number,
    rep: number,
    headDim: number,
    kPages: number,
    vPages: number,
    head: number,
    positions: number,
    scale: number,
    scores: number,
    out: number,
  ): void;
}

const modules = new Map<string, WebAssembly.Module>();

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function bytesOf(flavour: SimdFlavour, shared: boolean): Uint8Array {
  return decodeBase64(decoderKernels[`${flavour}${shared ? 'Shared' : ''}`]);
}

/** Whether this engine runs WebAssembly SIMD at all, and relaxed SIMD in particular. */
export function simdSupport(): { simd: boolean; relaxed: boolean } {
  const valid = (bytes: Uint8Array) => {
    try {
      return WebAssembly.validate(bytes as BufferSource);
    } catch {
      return false;
    }
  };
  return { simd: valid(bytesOf('plain', false)), relaxed: valid(bytesOf('relaxed', false)) };
}

/** The compiled kernels (cached): a module can be sent to the pool's workers and instantiated there. */
export function kernelModule(flavour: SimdFlavour, shared: boolean): WebAssembly.Module {
  const key = `${flavour}${shared ? 'Shared' : ''}`;
  let module = modules.get(key);
  if (!module) {
    module = new WebAssembly.Module(bytesOf(flavour, shared) as BufferSource);
    modules.set(key, module);
  }
  return module;
}

export function instantiateKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): DecoderKernels {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as DecoderKernels;
}
