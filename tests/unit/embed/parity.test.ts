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
    expect(maxAbsDiff(asQuery!, expectedQuery!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(asPassage!, expectedPassage!)).toBeLessThan(1e-6);
    expect(maxAbsDiff(asQuery!, asPassage!)).toBeGreaterThan(1e-3);
  });
});
