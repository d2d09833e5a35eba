import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxEmbedder, type OnnxEmbedder } from '../../../src/engines/embed/index.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { loadReference, maxAbsDiff, TINY_EMBED } from './reference.ts';

const reference = loadReference();
// The empty text is refused by embed() (see bad-input tests); its ids are still checked by countTokens.
const nonEmpty = reference.texts.filter((entry) => entry.text.trim() !== '');

describe.each(['mean', 'cls'] as const)('tiny-embed on WASM in Node, %s pooling', (pooling) => {
  let embedder: OnnxEmbedder;
  beforeAll(async () => {
    embedder = await loadOnnxEmbedder(fsModelFiles(TINY_EMBED), {
      device: 'wasm',
      spec: { pooling },
      batchSize: 4,
    });
  });

  // Embeddings are unit vectors (components < 1). The tiny BERT's sums have ≤ 128 terms, so float32 costs
  // ≤ γ_128 ≈ 7.6e-6 relative to Σ|w||x| per sum in any order (random walk: ~7e-7); measured, the float32
  // reference is within 5.5e-8 of float64 and is stored to 7 decimals (≤ 5e-8). 1e-4 against PyTorch (another
  // kernel) holds on any x86-64 CPU with a wide margin; the other pooling is ≥ 0.17 away on every reference text.
  it('matches the PyTorch reference within 1e-4, in the caller order, across length-bucketed batches', async () => {
    const vectors = await embedder.embed(nonEmpty.map((entry) => entry.text));
    expect(vectors).toHaveLength(nonEmpty.length);
    nonEmpty.forEach((entry, i) => {
      expect(maxAbsDiff(vectors[i]!, entry[pooling]), entry.text).toBeLessThan(1e-4);
    });
  });

  it('gives the same vector for a text alone and inside a padded batch', async () => {
    const [alone] = await embedder.embed([nonEmpty[0]!.text]);
    const batched = await embedder.embed([nonEmpty.at(-1)!.text, nonEmpty[0]!.text]);
    // The same ORT kernels on another batch shape (padding): only the grouping of the sums changes, so the
    // difference is rounding alone, of the size float32 costs the reference (5.5e-8 against float64) and far
    // under 1e-5, which is ~14x the random-walk estimate per sum (√128·2⁻²⁴ ≈ 7e-7).
    expect(maxAbsDiff(alone!, batched[1]!)).toBeLessThan(1e-5);
  });
});

describe('tiny-embed info and token counts', () => {
  it('reports its facts from config.json and counts tokens like the reference tokenizer', async () => {
    const embedder = await loadOnnxEmbedder(fsModelFiles(TINY_EMBED), { device: 'wasm' });
    const info = await embedder.info();
    expect(info).toMatchObject({
      modelId: TINY_EMBED,
      dimensions: 64,
      maxTokens: reference.max_length,
      device: 'wasm',
    });
    const counts = await embedder.countTokens(reference.texts.map((entry) => entry.text));
    expect(counts).toEqual(reference.texts.map((entry) => entry.untruncated_length));
  });
});

describe('query and passage prefixes', () => {
  it('prepends the prefix of the kind asked for, and nothing else', async () => {
    const embedder = await loadOnnxEmbedder(fsModelFiles(TINY_EMBED), {
      device: 'wasm',
      spec: { queryPrefix: 'query: ', passagePrefix: 'passage: ' },
    });
    const plain = await loadOnnxEmbedder(fsModelFiles(TINY_EMBED), { device: 'wasm' });
    const text = 'what is retrieval augmented generation?';
    const [asQuery] = await embedder.embed([text], { kind: 'query' });
    const [asPassage] = await embedder.embed([text]);
    const [expectedQuery, expectedPassage] = await plain.embed([`query: ${text}`, `passage: ${text}`]);
    // One text alone against the same text in a batch of two: the bound of the batching test above, 1e-5
    // (1e-6 held here, but only as what this machine's kernels happened to give: rounding of sums of up to 128
    // terms is not bounded by 1e-6). A missing or wrong prefix moves the vector by > 1e-3.
    expect(maxAbsDiff(asQuery!, expectedQuery!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(asPassage!, expectedPassage!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(asQuery!, asPassage!)).toBeGreaterThan(1e-3);
  });
});
