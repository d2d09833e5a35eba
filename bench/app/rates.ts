/*
 * decode_ratio's arithmetic, kept apart from the browser so that it can be tested. Both rates are
 * taken from the first token to the last, so the prompt's prefill (the same in both pages) is left
 * out and only the steady flow of tokens is compared.
 */

/** Tokens per second over a list of token times in ms: (n − 1) intervals over the span. */
export function tokensPerSecond(times: readonly number[]): number {
  if (times.length < 2) throw new Error(`A rate needs two tokens or more, not ${times.length}.`);
  const span = times[times.length - 1]! - times[0]!;
  if (!(span > 0)) throw new Error('The tokens came all at once: no rate can be taken from them.');
  return ((times.length - 1) * 1000) / span;
}

/**
 * When each token was painted: the first change to the answer's DOM at or after the view took it
 * (the view renders every token it holds on its next frame, so that change shows it).
 */
export function paintTimes(arrivals: readonly number[], mutations: readonly number[]): number[] {
  const sorted = [...mutations].sort((a, b) => a - b);
  let next = 0;
  return arrivals.map((arrival, index) => {
    while (next < sorted.length && sorted[next]! < arrival) next++;
    const painted = sorted[next];
    if (painted === undefined)
      throw new Error(`Token ${index + 1} of ${arrivals.length} reached the view but was never painted.`);
    return painted;
  });
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('No values to take a median of.');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
