import corpus from '../../tests/fixtures/corpus/hearth.txt?raw';

/**
 * `count` deterministic passages of mixed length, as RAG chunks are: word counts spread log-uniformly
 * from 4 to 300 words (many short, a few long), drawn from the fixture corpus with a seeded generator.
 */
export function makePassages(count: number, seed = 20260601): string[] {
  const words = corpus.split(/\s+/).filter(Boolean);
  let state = seed >>> 0;
  const random = () => {
    // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const length = Math.round(Math.exp(Math.log(4) + random() * (Math.log(300) - Math.log(4))));
    const start = Math.floor(random() * words.length);
    return Array.from({ length }, (_, i) => words[(start + i) % words.length]).join(' ');
  });
}
