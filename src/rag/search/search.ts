import type { RagDatabase } from '../store/schema.ts';
import type { CollectionIndex, HandleTable } from './collection-index.ts';
import { applyFilters } from './filters.ts';
import { maximalMarginalRelevance, reciprocalRankFusion, type Ranked } from './fusion.ts';
import type { ParsedSearchRequest, SearchResult } from './request.ts';

/** How many candidates each ranker hands to fusion and MMR, per result wanted. */
const POOL_FACTOR = 5;
const MIN_POOL = 50;

export interface RankedHits {
  hits: (Ranked & { denseRank: number | null; lexicalRank: number | null })[];
}

/** Ranks handles for a request over in-memory indexes; no storage access, so it can be timed alone. */
export function rank(
  request: ParsedSearchRequest,
  indexes: CollectionIndex[],
  handles: HandleTable,
  queryVector: Float32Array | null,
): RankedHits {
  const allowed = applyFilters(request, indexes, handles);
  const wantsPool = request.mode === 'hybrid' || request.mmr !== undefined;
  const pool = wantsPool ? Math.max(MIN_POOL, request.k * POOL_FACTOR) : request.k;

  const dense: Ranked[] = [];
  if (request.mode !== 'lexical' && queryVector) {
    for (const index of indexes) {
      const hits = index.matrix.search(queryVector, pool, { precision: request.precision, allowed });
      hits.rows.forEach((row, i) =>
        dense.push({ handle: index.matrix.handleAt(row), score: hits.scores[i]! }),
      );
    }
    dense.sort((a, b) => b.score - a.score || a.handle - b.handle).splice(pool);
  }
  const lexical: Ranked[] = [];
  if (request.mode !== 'dense' && request.query.trim() !== '') {
    for (const index of indexes) {
      const hits = index.bm25.search(request.query, pool, allowed);
      hits.handles.forEach((handle, i) => lexical.push({ handle, score: hits.scores[i]! }));
    }
    // Scores of separate collections are only roughly comparable (each has its own statistics).
    lexical.sort((a, b) => b.score - a.score || a.handle - b.handle).splice(pool);
  }

  let ranked =
    request.mode === 'hybrid'
      ? reciprocalRankFusion([dense, lexical])
      : request.mode === 'dense'
        ? dense
        : lexical;
  if (request.mmr && queryVector) {
    ranked = maximalMarginalRelevance(
      ranked,
      queryVector,
      vectorLookup(indexes, ranked),
      request.k,
      request.mmr.lambda,
    );
  }
  const denseRanks = new Map(dense.map(({ handle }, i) => [handle, i + 1]));
  const lexicalRanks = new Map(lexical.map(({ handle }, i) => [handle, i + 1]));
  return {
    hits: ranked.slice(0, request.k).map((hit) => ({
      ...hit,
      denseRank: denseRanks.get(hit.handle) ?? null,
      lexicalRank: lexicalRanks.get(hit.handle) ?? null,
    })),
  };
}

function vectorLookup(
  indexes: CollectionIndex[],
  candidates: Ranked[],
): (handle: number) => Float32Array | undefined {
  const wanted = new Set(candidates.map((candidate) => candidate.handle));
  const vectors = new Map<number, Float32Array>();
  for (const index of indexes) {
    for (let row = 0; row < index.matrix.size; row++) {
      const handle = index.matrix.handleAt(row);
      if (wanted.has(handle)) vectors.set(handle, index.matrix.vector(row).slice());
    }
  }
  return (handle) => vectors.get(handle);
}

/** Reads the chunks of ranked hits from the store: text, offsets and heading path for citations. */
export async function hydrate(
  db: RagDatabase,
  handles: HandleTable,
  ranked: RankedHits,
): Promise<SearchResult[]> {
  const tx = db.transaction('chunks');
  const results = await Promise.all(
    ranked.hits.map(async (hit) => {
      const target = handles.get(hit.handle);
      if (!target) return null;
      const { record } = target.document;
      const chunk = await tx.store.get([record.id, record.revision, target.seq]);
      if (!chunk) return null;
      return {
        documentId: record.id,
        collectionId: record.collectionId,
        title: record.title,
        source: record.source,
        chunkSeq: chunk.seq,
        text: chunk.text,
        start: chunk.start,
        end: chunk.end,
        headingPath: chunk.headingPath,
        ...(chunk.page !== undefined && { page: chunk.page, pageEnd: chunk.pageEnd ?? chunk.page }),
        tags: record.tags,
        score: hit.score,
        denseRank: hit.denseRank,
        lexicalRank: hit.lexicalRank,
      } satisfies SearchResult;
    }),
  );
  return results.filter((result): result is SearchResult => result !== null);
}
