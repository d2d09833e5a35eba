import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simdSupport } from '../../../../src/engines/llm/wasm-decoder/kernels/instance.ts';
import {
  activations,
  emulateProduct,
  emulateQuantize,
  kernelBench,
  multiply,
  placeQ4,
  q4Matrix,
  quantizeRows,
  weight,
} from './kernel-cases.ts';

const flavours = simdSupport().relaxed ? (['plain', 'relaxed'] as const) : (['plain'] as const);

describe.each(flavours)('4-bit x 8-bit kernels (%s SIMD)', (flavour) => {
  it('quantize_q8 rounds exactly as float32 arithmetic says, and stores even elements then odd ones', () => {
    const bench = kernelBench(flavour);
    const x = activations(3, 96, 5);
    x.fill(0, 32, 64); // an all-zero block: step 0, every q 0
    const q = quantizeRows(bench, x);
    const want = emulateQuantize(x);
    const bytes = new Int8Array(bench.heap.u8.buffer, q.xq, x.length);
    for (let block = 0; block < x.length / 32; block++) {
      for (let j = 0; j < 32; j++) {
        const stored = bytes[block * 32 + (j % 2 === 0 ? j / 2 : 16 + (j - 1) / 2)]!;
        expect(stored).toBe(want.q[block * 32 + j]);
      }
      expect(bench.heap.f32[q.xs / 4 + block]).toBe(want.d[block]);
      const sum = want.q.subarray(block * 32, block * 32 + 32).reduce((s, v) => s + v, 0);
      expect(bench.heap.i32[q.xsum / 4 + block]).toBe(sum);
    }
  });

  // The kernel's arithmetic is exact integers per block of 32, then one float32 multiply-add per block:
  // an emulation with Math.fround in the same order gives the same bits, on any CPU (WebAssembly's
  // float arithmetic is specified bit for bit, and the integer dot products are exact).
  it.each([
    ['GEMV, block 32', 1, 32, false],
    ['GEMM over 7 tokens, block 32', 7, 32, false],
    ['GEMV, MatMulNBits blocks of 128', 1, 128, false],
    ['GEMM, nibbles and zero points at 0 and 15, activations at +-127', 4, 32, true],
  ] as const)('%s: bit for bit the emulated arithmetic', (_, rows, blockSize, extreme) => {
    const bench = kernelBench(flavour);
    const source = q4Matrix(22, 256, rows * 31 + blockSize, blockSize, extreme); // 22 rows: a padded group of 4
    const m = placeQ4(bench, source);
    const x = activations(rows, 256, 3 + rows, extreme);
    const got = multiply(bench, m, quantizeRows(bench, x), rows);
    expect(Array.from(got)).toEqual(Array.from(emulateProduct(source, x, rows)));
  });

  it('GEMV and GEMM give the same bits for the same token', () => {
    const bench = kernelBench(flavour);
    const m = placeQ4(bench, q4Matrix(16, 192, 9));
    const x = activations(3, 192, 4);
    const all = multiply(bench, m, quantizeRows(bench, x), 3);
    const one = multiply(bench, m, quantizeRows(bench, x.subarray(192, 384)), 1);
    expect(Array.from(one)).toEqual(Array.from(all.subarray(16, 32)));
  });

  // Against the exact product of the file's weights and the float activations: each activation moves by
  // at most half its block's step d = amax / 127 when rounded, so |y - y_exact| <= sum over blocks of
  // (d / 2) * sum |w| there. The float32 steps add at most (KB + 2) * 2^-24 of the sum of |terms| (a
  // KB-term sum plus two products, each rounded once), far below; the bound holds on any machine.
  it('stays within the bound int8 rounding of the activations allows', () => {
    const bench = kernelBench(flavour);
    const source = q4Matrix(12, 512, 21);
    const m = placeQ4(bench, source);
    const x = activations(2, 512, 8);
    const got = multiply(bench, m, quantizeRows(bench, x), 2);
    let tightest = Infinity;
    for (let r = 0; r < 2; r++) {
      for (let n = 0; n < source.n; n++) {
        let exact = 0;
        let bound = 0;
        let magnitude = 0;
        for (let b = 0; b < 512 / 32; b++) {
          let amax = 0;
          let absW = 0;
          for (let j = 0; j < 32; j++) {
            const col = b * 32 + j;
            const w = weight(source, n, col);
            exact += w * x[r * 512 + col]!;
            magnitude += Math.abs(w * x[r * 512 + col]!);
            amax = Math.max(amax, Math.abs(x[r * 512 + col]!));
            absW += Math.abs(w);
          }
          bound += (amax / 127 / 2) * absW;
        }
        bound += (512 / 32 + 2) * 2 ** -24 * (magnitude + bound);
        const error = Math.abs(got[r * source.n + n]! - exact);
        expect(error).toBeLessThanOrEqual(bound);
        tightest = Math.min(tightest, bound - error);
      }
    }
    expect(tightest).toBeGreaterThan(0);
  });
});

describe('relaxed SIMD and plain SIMD builds', () => {
  it('give bit-identical outputs (run where relaxed SIMD exists: here, or in a child Node with it enabled)', () => {
    const script = fileURLToPath(new URL('./relaxed-vs-plain.ts', import.meta.url));
    const flags = simdSupport().relaxed ? [] : ['--experimental-wasm-relaxed-simd'];
    const output = execFileSync(process.execPath, [...flags, '--import', 'tsx', script], {
      encoding: 'utf8',
    });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as { relaxed: boolean; identical: boolean };
    expect(result.relaxed).toBe(true);
    expect(result.identical).toBe(true);
  });
});

describe('the committed kernel builds', () => {
  it('are what decoder.wat assembles to (run build-kernels.ts after editing it)', async () => {
    const { assembleKernels, kernelsModulePath } =
      await import('../../../../src/engines/llm/wasm-decoder/kernels/build-kernels.ts');
    const { module } = await assembleKernels();
    expect(readFileSync(kernelsModulePath, 'utf8')).toBe(module);
  });
});
