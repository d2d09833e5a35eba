import type { PostingBlockRecord } from '../types.ts';
import { tokenize } from './tokenize.ts';

export type PostingBlockContent = Pick<
  PostingBlockRecord,
  'lengths' | 'terms' | 'termOffsets' | 'termStart' | 'chunkOffsets' | 'frequencies'
>;

/** Term frequencies of consecutive chunks (fewer than 65,536), packed as one postings block. */
export function buildPostingBlock(texts: string[]): PostingBlockContent {
  const byTerm = new Map<string, number[]>(); // term -> [offset, tf, offset, tf, ...]
  const lengths = new Uint32Array(texts.length);
  texts.forEach((text, offset) => {
    const counts = new Map<string, number>();
    const terms = tokenize(text);
    lengths[offset] = terms.length;
    for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
    for (const [term, tf] of counts) {
      let list = byTerm.get(term);
      if (!list) byTerm.set(term, (list = []));
      list.push(offset, Math.min(tf, 65535));
    }
  });
  const terms = [...byTerm.keys()].sort();
  const termOffsets = new Uint32Array(terms.length + 1);
  const termStart = new Uint32Array(terms.length + 1);
  let total = 0;
  let textLength = 0;
  terms.forEach((term, i) => {
    termOffsets[i] = textLength;
    textLength += term.length + 1;
    termStart[i] = total;
    total += byTerm.get(term)!.length / 2;
  });
  termOffsets[terms.length] = textLength;
  termStart[terms.length] = total;
  const chunkOffsets = new Uint16Array(total);
  const frequencies = new Uint16Array(total);
  let at = 0;
  for (const term of terms) {
    const list = byTerm.get(term)!;
    for (let i = 0; i < list.length; i += 2, at++) {
      chunkOffsets[at] = list[i]!;
      frequencies[at] = list[i + 1]!;
    }
  }
  return {
    lengths,
    terms: terms.map((term) => term + '\u0000').join(''),
    termOffsets,
    termStart,
    chunkOffsets,
    frequencies,
  };
}

/** Index of `term` in a block's sorted terms, or -1 (binary search). */
export function findTerm(block: PostingBlockContent, term: string): number {
  let low = 0;
  let high = block.termOffsets.length - 2;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const candidate = block.terms.slice(block.termOffsets[middle]!, block.termOffsets[middle + 1]! - 1);
    if (candidate === term) return middle;
    if (candidate < term) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}
