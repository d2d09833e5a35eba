/**
 * Stand-ins for other CPUs: the same computation under other ATen kernels (ATEN_CPU_CAPABILITY) and other
 * OpenBLAS kernels (OPENBLAS_CORETYPE), limited to those this CPU can execute — both libraries take the
 * variable at its word and would die of SIGILL on an instruction set the CPU lacks.
 */
import { readFileSync } from 'node:fs';

export interface CpuVariant {
  name: string;
  env: Record<string, string>;
  /** what the probe must report, proving the variant really ran */
  aten: string;
  core: string;
}

/** ATen's name in the variable -> its name in torch.__config__.show(), and the CPU flags it needs. */
const ATEN: [string, string, string[]][] = [
  ['default', 'NO AVX', []],
  ['avx2', 'AVX2', ['avx2', 'fma']],
  ['avx512', 'AVX512', ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'fma']],
];

/** OpenBLAS core types of different kernel families (Intel AVX2, AVX-512, AMD Zen, plain SSE3). */
const CORES: [string, string[]][] = [
  ['Haswell', ['avx2', 'fma']],
  ['SkylakeX', ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512cd']],
  ['Zen', ['avx2', 'fma']],
  ['Prescott', ['pni']], // SSE3 is "pni" in /proc/cpuinfo
];

export function cpuFlags(): Set<string> {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('flags'));
  return new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
}

/**
 * Every supported ATen capability and every supported OpenBLAS core type appears at least once; they are paired
 * round-robin rather than crossed, to keep the suite cheap (each variant costs three PyTorch processes).
 */
export function cpuVariants(flags = cpuFlags()): CpuVariant[] {
  const supported = (need: string[]) => need.every((f) => flags.has(f));
  const aten = ATEN.filter(([, , need]) => supported(need));
  const cores = CORES.filter(([, need]) => supported(need));
  return Array.from({ length: Math.max(aten.length, cores.length) }, (_, i) => {
    const [capability, atenName] = aten[i % aten.length]!;
    const [core] = cores[i % cores.length]!;
    return {
      name: `ATen ${capability} + OpenBLAS ${core}`,
      env: { ATEN_CPU_CAPABILITY: capability, OPENBLAS_CORETYPE: core },
      aten: atenName,
      core,
    };
  });
}
