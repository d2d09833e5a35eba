export type Pooling = 'mean' | 'cls';

/**
 * Pools one batch of hidden states into one vector per text and (optionally) L2-normalises them.
 * hidden: [batch, seq, dim] row-major; lengths: real tokens per row (the rest is padding on the right).
 * Sums run in float64 so the result does not depend on padding or summation order.
 */
export function poolBatch(
  hidden: Float32Array,
  lengths: readonly number[],
  seq: number,
  dim: number,
  pooling: Pooling,
  normalize: boolean,
): Float32Array[] {
  const out: Float32Array[] = [];
  const sum = new Float64Array(dim);
  for (let row = 0; row < lengths.length; row++) {
    const base = row * seq * dim;
    const length = lengths[row]!;
    sum.fill(0);
    if (pooling === 'cls') {
      for (let d = 0; d < dim; d++) sum[d] = hidden[base + d]!;
    } else {
      for (let t = 0; t < length; t++) {
        const offset = base + t * dim;
        for (let d = 0; d < dim; d++) sum[d]! += hidden[offset + d]!;
      }
      const scale = 1 / Math.max(length, 1);
      for (let d = 0; d < dim; d++) sum[d]! *= scale;
    }
    out.push(finish(sum, normalize));
  }
  return out;
}

function finish(values: Float64Array, normalize: boolean): Float32Array {
  let norm = 1;
  if (normalize) {
    let squares = 0;
    for (const v of values) squares += v * v;
    // Same floor as torch.nn.functional.normalize (eps = 1e-12).
    norm = Math.max(Math.sqrt(squares), 1e-12);
  }
  const vector = new Float32Array(values.length);
  for (let d = 0; d < values.length; d++) vector[d] = values[d]! / norm;
  return vector;
}
