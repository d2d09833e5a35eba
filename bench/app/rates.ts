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

/**
 * Tokens painted per second: (n − 1) intervals from the first token the view took to the last one painted.
 * Starting at the first paint instead would reward a view that holds its first tokens back and paints them
 * together later (a shorter span for the same count, a rate above the stream's).
 */
export function paintedPerSecond(arrivals: readonly number[], paints: readonly number[]): number {
  if (arrivals.length !== paints.length || arrivals.length < 2)
    throw new Error(
      `A painted rate needs as many paints as tokens, two or more (${arrivals.length}, ${paints.length}).`,
    );
  const span = paints[paints.length - 1]! - arrivals[0]!;
  if (!(span > 0)) throw new Error('The tokens were painted all at once: no rate can be taken from them.');
  return ((arrivals.length - 1) * 1000) / span;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('No values to take a median of.');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
