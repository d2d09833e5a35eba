/**
 * The stand-in CPUs are chosen from the CPU's flags: never an instruction set it lacks (that would be SIGILL),
 * and every supported ATen capability and OpenBLAS core type at least once.
 */
import { describe, expect, it } from 'vitest';
import { cpuVariants } from './cpu-variants.ts';

const AVX2 = ['pni', 'avx', 'avx2', 'fma'];
const AVX512 = [...AVX2, 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd'];

describe('cpuVariants', () => {
  it('pairs every supported capability with every supported core type on an AVX2 CPU', () => {
    const v = cpuVariants(new Set(AVX2));
    expect(v.map((x) => x.env)).toEqual([
      { ATEN_CPU_CAPABILITY: 'default', OPENBLAS_CORETYPE: 'Haswell' },
      { ATEN_CPU_CAPABILITY: 'avx2', OPENBLAS_CORETYPE: 'Zen' },
      { ATEN_CPU_CAPABILITY: 'default', OPENBLAS_CORETYPE: 'Prescott' },
    ]);
    expect(v.map((x) => x.aten)).toEqual(['NO AVX', 'AVX2', 'NO AVX']);
  });

  it('adds AVX-512 kernels only where the CPU has them', () => {
    const v = cpuVariants(new Set(AVX512));
    expect(v.map((x) => x.env['ATEN_CPU_CAPABILITY'])).toEqual(['default', 'avx2', 'avx512', 'default']);
    expect(v.map((x) => x.core)).toEqual(['Haswell', 'SkylakeX', 'Zen', 'Prescott']);
    // avx512f alone is not enough for either library
    const partial = cpuVariants(new Set([...AVX2, 'avx512f']));
    expect(partial.map((x) => x.core)).not.toContain('SkylakeX');
    expect(partial.map((x) => x.aten)).not.toContain('AVX512');
  });

  it('falls back to the plain kernels on a CPU without AVX', () => {
    expect(cpuVariants(new Set(['pni'])).map((x) => x.env)).toEqual([
      { ATEN_CPU_CAPABILITY: 'default', OPENBLAS_CORETYPE: 'Prescott' },
    ]);
  });
});
