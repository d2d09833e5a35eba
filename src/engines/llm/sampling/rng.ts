/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) so that the same `seed` gives the
 * same tokens on every device and in every JS engine. Math.random cannot be seeded.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function seededRng(seed: number): Rng {
  // Seeds may be any integer (OpenAI allows 64-bit ones): fold the high part in.
  const high = Math.floor(seed / 2 ** 32);
  const mix = splitmix32((seed >>> 0) ^ Math.imul(high >>> 0, 0x27d4eb2d));
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  return {
    next() {
      const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      return result / 2 ** 32;
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A seed for requests that give none: different every time. */
export function randomSeed(): number {
  const buffer = new Uint32Array(1);
  globalThis.crypto.getRandomValues(buffer);
  return buffer[0]!;
}
