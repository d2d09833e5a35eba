/**
 * The k largest scores among rows that pass `allowed`, best first. A bounded min-heap keeps the
 * scan at O(n log k) with no allocation per row.
 */
export function topK(
  scores: Float32Array,
  n: number,
  k: number,
  allowed?: (row: number) => boolean,
): { rows: Int32Array; scores: Float32Array } {
  const heapRows = new Int32Array(k);
  const heapScores = new Float32Array(k);
  let size = 0;
  for (let row = 0; row < n; row++) {
    const score = scores[row]!;
    if (size === k && score <= heapScores[0]!) continue;
    if (allowed && !allowed(row)) continue;
    if (size < k) {
      // Sift up.
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heapScores[parent]! <= score) break;
        heapScores[i] = heapScores[parent]!;
        heapRows[i] = heapRows[parent]!;
        i = parent;
      }
      heapScores[i] = score;
      heapRows[i] = row;
    } else {
      // Replace the minimum and sift down.
      let i = 0;
      while (true) {
        const left = 2 * i + 1;
        if (left >= k) break;
        const right = left + 1;
        const child = right < k && heapScores[right]! < heapScores[left]! ? right : left;
        if (heapScores[child]! >= score) break;
        heapScores[i] = heapScores[child]!;
        heapRows[i] = heapRows[child]!;
        i = child;
      }
      heapScores[i] = score;
      heapRows[i] = row;
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort(
    (a, b) => heapScores[b]! - heapScores[a]! || heapRows[a]! - heapRows[b]!,
  );
  return {
    rows: Int32Array.from(order, (i) => heapRows[i]!),
    scores: Float32Array.from(order, (i) => heapScores[i]!),
  };
}
