/**
 * Symmetric per-row int8 quantisation: row r is stored as round(v / scale[r]) with
 * scale[r] = max|v| / 127, so a dot product is recovered as scale[r] * sum(q_i8 * row_i8) * scale_q.
 * Done once when vectors are written, so loading a collection only copies bytes.
 */
export interface QuantizedRows {
  /** int8 [count, dim] */
  values: Int8Array;
  /** f32 [count] */
  scales: Float32Array;
}

export function quantizeRows(vectors: Float32Array, count: number, dim: number): QuantizedRows {
  const values = new Int8Array(count * dim);
  const scales = new Float32Array(count);
  for (let row = 0; row < count; row++) {
    const from = row * dim;
    let maxAbs = 0;
    for (let d = 0; d < dim; d++) {
      const value = vectors[from + d]!;
      if (value > maxAbs) maxAbs = value;
      else if (-value > maxAbs) maxAbs = -value;
    }
    const inverse = maxAbs > 0 ? 127 / maxAbs : 1;
    for (let d = 0; d < dim; d++) values[from + d] = Math.round(vectors[from + d]! * inverse);
    scales[row] = maxAbs > 0 ? maxAbs / 127 : 1;
  }
  return { values, scales };
}
