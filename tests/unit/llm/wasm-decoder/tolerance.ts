/**
 * How close the WASM decoder's logits must be to PyTorch, from the arithmetic it does.
 *
 * The decoder rounds every input of a 4-bit product to int8 per block of 32 (d = amax / 127, round half
 * to even), then computes in float32. It is compared with two PyTorch references on the same
 * dequantised 4-bit weights:
 *
 * - `act8` rounds the activations exactly as the kernel does. What is left is float32 against float32,
 *   the comparison of ORT against PyTorch (tests/unit/llm/ort-parity.test.ts): FLOAT32_TOLERANCE, 1e-4.
 *   Except for one thing: where an activation lands within float32 noise of a .5, the two sides may
 *   round it to different neighbours (a "flip": that activation differs by one step d). The chance is
 *   about the float32 noise over d, some 1e-4 per activation; a prefill rounds some 10^4 activations
 *   (positions x layers x the inputs of 7 products), so a vector may carry a flip, and a flip early in
 *   the prompt reaches the last position through attention. A flipped activation is still rounded to
 *   within d/2 (+ noise) of its value, like every other one, so its effect is one of the terms that
 *   make up delta below: a vector may differ by up to 1e-4 + delta. And more than half of the vectors
 *   compared must be within 1e-4 (MIN_TIGHT_SHARE): an implementation that rounds differently from
 *   act8 (another scale, rounding half away from zero, no rounding) misses 1e-4 on every vector, since
 *   delta is 10^2 to 10^3 times larger on these fixtures; flips reach only some of them.
 * - `q4` keeps float activations: int8 rounding moves the logits by delta = max |act8 - q4|, which
 *   PyTorch measured at that step. The decoder is within 1e-4 + delta of act8, so within 1e-4 + 2 delta
 *   of q4 (triangle inequality, per logit).
 *
 * Greedy tokens must equal q4's, except at a step whose q4 top-2 margin is below twice the q4 bound
 * (both logits may move by it).
 *
 * The decoder's arithmetic gives the same bits on every CPU (WebAssembly floats are specified bit for
 * bit, its integer sums are exact, the relaxed and plain SIMD builds agree), so where flips happen is a
 * property of the fixture, not of the machine that runs the test.
 */
export const FLOAT32_TOLERANCE = 1e-4;

/** Share of vectors that must be within FLOAT32_TOLERANCE of act8 (see above: a majority, not all). */
export const MIN_TIGHT_SHARE = 0.5;

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** What int8 rounding of the activations moved this step's logits by, as PyTorch measured it. */
export function int8Delta(act8: ArrayLike<number>, float: ArrayLike<number>): number {
  return maxAbsDiff(act8, float);
}

/** The bound against `act8` at one step (one flip at most changes one term of delta). */
export function act8Bound(act8: ArrayLike<number>, float: ArrayLike<number>): number {
  return FLOAT32_TOLERANCE + int8Delta(act8, float);
}

/** The bound against float-activation PyTorch at one step. */
export function floatBound(act8: ArrayLike<number>, float: ArrayLike<number>): number {
  return FLOAT32_TOLERANCE + 2 * int8Delta(act8, float);
}

export function topTwoMargin(logits: ArrayLike<number>): number {
  let first = -Infinity;
  let second = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v > first) [first, second] = [v, first];
    else if (v > second) second = v;
  }
  return first - second;
}

/** Checks a list of (ours, act8, float) logits: per-vector bounds, and how many vectors are within 1e-4 of act8. */
export function checkAgainstPyTorch(
  cases: Array<{ label: string; ours: ArrayLike<number>; act8: ArrayLike<number>; float: ArrayLike<number> }>,
): { failures: string[]; tightShare: number } {
  const failures: string[] = [];
  let tight = 0;
  for (const { label, ours, act8, float } of cases) {
    const toAct8 = maxAbsDiff(ours, act8);
    const toFloat = maxAbsDiff(ours, float);
    if (toAct8 < FLOAT32_TOLERANCE) tight++;
    if (toAct8 > act8Bound(act8, float))
      failures.push(`${label}: ${toAct8} from act8 > ${act8Bound(act8, float)}`);
    if (toFloat > floatBound(act8, float))
      failures.push(`${label}: ${toFloat} from q4 > ${floatBound(act8, float)}`);
  }
  return { failures, tightShare: tight / cases.length };
}
