/**
 * Length bucketing: texts are sorted by token count and cut into batches of at most `batchSize`, so each
 * batch pads only to its own longest text and short texts never pay for long ones. Returns the original
 * indices of each batch; callers put results back in place with them.
 */
export function planBatches(lengths: readonly number[], batchSize: number): number[][] {
  const size = Math.max(1, Math.floor(batchSize));
  // Longest first: the costliest batch runs first, so a too-large batch fails fast, before other work.
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += size) batches.push(order.slice(start, start + size));
  return batches;
}
