/**
 * A validation's peak extra memory in this process: resident memory and array buffers, sampled every 5 ms,
 * each measured from where it began. Shared by the dataset-limit tests and `npm run bench:validation`.
 */
export async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  global.gc?.();
  const before = process.memoryUsage();
  let peak = 0;
  const sample = () => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss - before.rss, now.arrayBuffers - before.arrayBuffers);
  };
  const sampler = setInterval(sample, 5);
  try {
    const result = await work();
    sample();
    return { result, peak };
  } finally {
    clearInterval(sampler);
  }
}
