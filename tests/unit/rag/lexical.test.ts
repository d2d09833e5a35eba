import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../src/rag/lexical/bm25.ts';
import { buildPostingBlock, findTerm } from '../../../src/rag/lexical/postings.ts';
import { tokenize } from '../../../src/rag/lexical/tokenize.ts';

describe('tokenize', () => {
  it('folds case and Unicode forms and drops punctuation', () => {
    expect(tokenize('Café, CAFÉ; cafe\u0301!')).toEqual(['café', 'café', 'café']);
    expect(tokenize("Hearth's API — v2.1 (ﬁnal)")).toEqual(['hearth', 's', 'api', 'v2', '1', 'final']);
    expect(tokenize('Straße ΑΘΗΝΑ Москва')).toEqual(['straße', 'αθηνα', 'москва']);
  });

  it('splits scripts written without spaces into words', () => {
    const terms = tokenize('東京は日本の首都です');
    expect(terms.length).toBeGreaterThan(2);
    expect(terms.join('')).toBe('東京は日本の首都です');
  });
});

describe('postings blocks', () => {
  it('store sorted terms and find each by binary search', () => {
    const block = buildPostingBlock(['zeta alpha', 'mu alpha alpha', 'beta']);
    const terms = block.terms.split('\u0000').slice(0, -1);
    expect(terms).toEqual(['alpha', 'beta', 'mu', 'zeta']);
    for (const [i, term] of terms.entries()) expect(findTerm(block, term)).toBe(i);
    expect(findTerm(block, 'gamma')).toBe(-1);
    const alpha = findTerm(block, 'alpha');
    const postings = Array.from({ length: block.termStart[alpha + 1]! - block.termStart[alpha]! }, (_, i) => [
      block.chunkOffsets[block.termStart[alpha]! + i],
      block.frequencies[block.termStart[alpha]! + i],
    ]);
    expect(postings).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(Array.from(block.lengths)).toEqual([2, 3, 1]);
  });
});

describe('Bm25Index', () => {
  const texts = ['the cat sat on the mat', 'the dog chased the cat', 'birds sing', 'cat cat cat food'];
  const index = new Bm25Index();
  // Two blocks (as two documents would give): handles 100-102 and 103.
  index.addBlock(buildPostingBlock(texts.slice(0, 3)), 100);
  index.addBlock(buildPostingBlock(texts.slice(3)), 103);

  it('scores with the BM25 formula (k1 1.2, b 0.75)', () => {
    const { handles, scores } = index.search('dog', 10);
    expect(handles).toEqual([101]);
    const n = 4;
    const averageLength = (6 + 5 + 2 + 4) / 4;
    const idf = Math.log(1 + (n - 1 + 0.5) / (1 + 0.5));
    const expected = (idf * 1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * 5) / averageLength));
    // One term: the float64 BM25 term is rounded once into the float32 accumulator, |error| ≤ 2⁻²⁴·1.12 ≈ 7e-8,
    // within toBeCloseTo's 5e-7; both sides compute the same float64 idf, and float64 +, ×, ÷ are exact IEEE
    // operations on every CPU.
    expect(scores[0]).toBeCloseTo(expected, 6);
  });

  it('ranks by term frequency and length, filters, and forgets removed chunks', () => {
    // Same tf in 100 and 101: the shorter chunk (101) ranks higher.
    expect(index.search('cat', 10).handles).toEqual([103, 101, 100]);
    expect(index.search('cat', 10, (handle) => handle !== 103).handles).toEqual([101, 100]);
    index.remove(new Set([103]));
    expect(index.search('CAT!', 10).handles).toEqual([101, 100]);
    expect(index.documentCount).toBe(3);
  });
});
