import { topK } from '../dense/top-k.ts';
import { findTerm, type PostingBlockContent } from './postings.ts';
import { tokenize } from './tokenize.ts';

const K1 = 1.2;
const B = 0.75;

interface Segment {
  block: PostingBlockContent;
  /** Handle of the block's chunk offset 0. */
  firstHandle: number;
}

/**
 * In-memory BM25 over chunk handles, kept as the stored postings blocks themselves (segments):
 * loading a collection merges nothing, and removing a document drops its segments. A query looks
 * its terms up in each segment by binary search and accumulates scores in a typed array by handle.
 */
export class Bm25Index {
  private segments: Segment[] = [];
  private scores = new Float32Array(0);
  private live = 0;
  private totalLength = 0;

  get documentCount(): number {
    return this.live;
  }

  /** Adds a postings block whose chunk offset i is handle `firstHandle + i`. */
  addBlock(block: PostingBlockContent, firstHandle: number): void {
    this.segments.push({ block, firstHandle });
    this.live += block.lengths.length;
    for (const length of block.lengths) this.totalLength += length;
    const end = firstHandle + block.lengths.length;
    if (end > this.scores.length) this.scores = new Float32Array(Math.max(end, this.scores.length * 2, 1024));
  }

  /** Removes the blocks that start at any of these handles (whole blocks only, as documents go). */
  remove(handles: Set<number>): void {
    this.segments = this.segments.filter((segment) => {
      if (!handles.has(segment.firstHandle)) return true;
      this.live -= segment.block.lengths.length;
      for (const length of segment.block.lengths) this.totalLength -= length;
      return false;
    });
  }

  /** The best `k` handles for `query` among those passing `allowed`, best first. */
  search(
    query: string,
    k: number,
    allowed?: (handle: number) => boolean,
  ): { handles: number[]; scores: number[] } {
    if (this.live === 0) return { handles: [], scores: [] };
    const averageLength = this.totalLength / this.live;
    const scores = this.scores;
    const touched: number[] = [];
    for (const term of new Set(tokenize(query))) {
      const found: { segment: Segment; index: number }[] = [];
      let df = 0;
      for (const segment of this.segments) {
        const index = findTerm(segment.block, term);
        if (index < 0) continue;
        found.push({ segment, index });
        df += segment.block.termStart[index + 1]! - segment.block.termStart[index]!;
      }
      if (df === 0) continue;
      const idf = Math.log(1 + (this.live - df + 0.5) / (df + 0.5));
      for (const { segment, index } of found) {
        const { block, firstHandle } = segment;
        for (let p = block.termStart[index]!; p < block.termStart[index + 1]!; p++) {
          const offset = block.chunkOffsets[p]!;
          const handle = firstHandle + offset;
          if (allowed && !allowed(handle)) continue;
          const tf = block.frequencies[p]!;
          if (scores[handle] === 0) touched.push(handle);
          scores[handle]! +=
            (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * block.lengths[offset]!) / averageLength));
        }
      }
    }
    const touchedScores = Float32Array.from(touched, (handle) => scores[handle]!);
    for (const handle of touched) scores[handle] = 0;
    // Ties go to the handle touched first: deterministic, as segments keep their load order.
    const best = topK(touchedScores, touched.length, k);
    return { handles: Array.from(best.rows, (row) => touched[row]!), scores: Array.from(best.scores) };
  }
}
