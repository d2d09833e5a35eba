/**
 * How far apart two correct float32 computations of the first step's LoRA gradient can be, per element.
 *
 * What is computed. Every trainable weight W [out, in] (lora_A, lora_B of each target module) is an nn.Linear
 * weight, so its gradient is a sum over the batch's positions p of c_p = d_p x_pᵀ (d_p: the gradient at the
 * layer's output at p, x_p: its input there). The loss is L = (Σ_t ℓ_t) · w / N: N the global count of trained
 * tokens, w the world size; DDP all-reduces the ranks' gradients and divides by w.
 *
 * 1. The sums. One GEMM forms each element Σ_p c_p from its n non-zero terms (a padded position contributes an
 *    exact zero, and adding an exact zero does not round). In whatever order and blocking the kernel sums, with or
 *    without FMA, a float32 dot product of n terms obeys |fl(Σ c_p) − Σ c_p| ≤ γ_n Σ_p |c_p|, with
 *    γ_n = n·u / (1 − n·u) and u = 2⁻²⁴ (Higham, Accuracy and Stability of Numerical Algorithms, §3.1); the
 *    products' own rounding is included.
 *    - single process: γ_n over all the batch's n terms;
 *    - two ranks: rank r sums its own n_r terms (≤ γ_{n_r} Σ_{p∈r} |c_p|), gloo adds the two partial sums (one more
 *      rounding, ≤ u·|s₀ + s₁|), so the all-reduced sum is within γ_{m+1} Σ_p |c_p|, m = max n_r
 *      (γ_a + u·(1 + γ_a) ≤ γ_{a+1});
 *    - the mean over shards: the loss scale w/N and DDP's division by w differ between the runs by the factor
 *      w = 2, and multiplying or dividing by a power of two is exact in binary floating point: no term.
 * 2. The terms. c_p is itself computed in float32 through the forward and backward pass, and the runs feed the
 *    kernels differently shaped batches (the full batch and each shard pad to their own length, the GEMMs have other
 *    row counts), so a kernel may group a reduction inside c_p differently and the c_p need not agree bit for bit.
 *    The probe measures this rounding in each run: dev = Σ_p |c_p − c*_p|, c*_p evaluated in float64 from the same
 *    weights and tokens. With G* = Σ_p c*_p:
 *        |ĝ − G*| ≤ γ_k · Σ_p |c_p| + dev =: bound         (k = n, or m + 1 for two ranks)
 * 3. Two runs a, b: |ĝ_a − ĝ_b| ≤ bound_a + bound_b + |G*_a − G*_b|. G*_a and G*_b are one function evaluated in
 *    float64; to first order in the unit roundoff their errors are u₆₄/u₃₂ = 2⁻²⁹ times the float32 ones. A factor
 *    (1 + 2⁻²⁰) on the bound covers that term, the float64 evaluation of Σ|c_p| and dev, and the doubles here, with
 *    room to spare; the float64 references' own agreement is asserted against 2⁻²⁰ (bound_a + bound_b).
 *
 * Nothing here depends on the CPU: a kernel that sums in another order, blocks differently or uses FMA stays within
 * the bound, and a faulty reduction (summing instead of averaging, a rank training on the wrong shard) moves whole
 * gradients, ~10⁴-10⁵ times the bound on the tiny model.
 */
import { readFileSync } from 'node:fs';

const U32 = 2 ** -24;
const SLACK = 2 ** -20;

interface ProbeTensor {
  shape: number[];
  grad: number[];
  exact: number[];
  abs: number[];
  dev: number[];
  terms: number;
}

/** What the trainer's HEARTH_TRAINER_GRAD_PROBE hook writes (trainer/hearth_trainer/grad_probe.py). */
export interface GradientProbe {
  world: number;
  dtype: string;
  aten_capability: string | null;
  openblas_core: string | null;
  tensors: Record<string, ProbeTensor>;
}

export function readProbe(file: string): GradientProbe {
  return JSON.parse(readFileSync(file, 'utf8')) as GradientProbe;
}

function gamma(n: number): number {
  return (n * U32) / (1 - n * U32);
}

/** Per element of one tensor: γ_k Σ|c_p| + dev, k = n (one process) or m + 1 (the all-reduce adds a rounding). */
function ownBound(probe: GradientProbe, t: ProbeTensor): number[] {
  const g = gamma(t.terms + (probe.world > 1 ? 1 : 0));
  return t.abs.map((a, i) => g * a + t.dev[i]!);
}

/** max over elements of |x_i − y_i| / bound_i (0 where both are 0; Infinity where only the bound is). */
function worstRatio(x: number[], y: number[], bound: number[]): number {
  return x.reduce((worst, xi, i) => {
    const diff = Math.abs(xi - y[i]!);
    const ratio = diff === 0 ? 0 : diff / bound[i]!;
    return Math.max(worst, ratio);
  }, 0);
}

function names(a: GradientProbe, b: GradientProbe): string[] {
  const na = Object.keys(a.tensors).sort();
  const nb = Object.keys(b.tensors).sort();
  if (na.join() !== nb.join()) throw new Error(`tensor names differ: ${na.join()} vs ${nb.join()}`);
  return na;
}

/** One run against its own float64 evaluation: ≤ 1 for a correct gradient. */
export function ownRatio(p: GradientProbe): number {
  return Math.max(
    ...Object.values(p.tensors).map((t) =>
      worstRatio(
        t.grad,
        t.exact,
        ownBound(p, t).map((b) => b * (1 + SLACK)),
      ),
    ),
  );
}

/** Two runs' float32 gradients: ≤ 1 when both compute the same full-batch gradient. */
export function crossRatio(a: GradientProbe, b: GradientProbe): number {
  return Math.max(
    ...names(a, b).map((n) => {
      const ta = a.tensors[n]!;
      const tb = b.tensors[n]!;
      const ba = ownBound(a, ta);
      const bb = ownBound(b, tb);
      return worstRatio(
        ta.grad,
        tb.grad,
        ba.map((x, i) => (x + bb[i]!) * (1 + SLACK)),
      );
    }),
  );
}

/** Two runs' float64 references: ≤ 1 when they evaluate the same function (step 3 of the derivation). */
export function referenceRatio(a: GradientProbe, b: GradientProbe): number {
  return Math.max(
    ...names(a, b).map((n) => {
      const ba = ownBound(a, a.tensors[n]!);
      const bb = ownBound(b, b.tensors[n]!);
      return worstRatio(
        a.tensors[n]!.exact,
        b.tensors[n]!.exact,
        ba.map((x, i) => (x + bb[i]!) * SLACK),
      );
    }),
  );
}

/** How many gradient elements the comparison covers, and how many of them are non-zero. */
export function coverage(p: GradientProbe): { elements: number; nonZero: number } {
  const grads = Object.values(p.tensors).flatMap((t) => t.grad);
  return { elements: grads.length, nonZero: grads.filter((g) => g !== 0).length };
}
