import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import { startRag } from '../../src/runtime/rag.ts';
import { HashedEmbedder } from '../../tests/unit/rag/hashed-embedder.ts';
import { chunkText, queryText, unitVector } from './synthetic.ts';

// Query string: db, n, dim, queries, phase=build|query. The query phase answers its first search
// during page load, so cold_open_ms is measured from navigation to that answer.
const params = new URLSearchParams(location.search);
const databaseName = params.get('db')!;
const n = Number(params.get('n') ?? 100_000);
const dim = Number(params.get('dim') ?? 384);
const queryCount = Number(params.get('queries') ?? 200);
const DOCUMENT_CHUNKS = 1000;

const moduleStartMs = performance.now();
const rag = await startRag({ embedder: new HashedEmbedder(dim, 'bench/random-vectors'), databaseName });
const api = rag;

function queryVectors(): Float32Array[] {
  return Array.from({ length: queryCount }, (_, i) => {
    const vector = new Float32Array(dim);
    unitVector(i, dim, vector, 0, 99);
    return vector;
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function build() {
  const collection = await api.createCollection({ name: 'bench' });
  let storing = 0;
  for (let first = 0; first < n; first += DOCUMENT_CHUNKS) {
    const count = Math.min(DOCUMENT_CHUNKS, n - first);
    const vectors = new Float32Array(count * dim);
    const chunks = Array.from({ length: count }, (_, i) => {
      unitVector(first + i, dim, vectors, i * dim);
      const text = chunkText(first + i);
      return { text, start: 0, end: text.length };
    });
    const started = performance.now();
    await api.addPrepared({
      collectionId: collection.id,
      title: `doc ${first / DOCUMENT_CHUNKS}`,
      chunks,
      vectors,
    });
    storing += performance.now() - started;
  }
  return { ingestChunksPerS: n / (storing / 1000) };
}

const ragStartedMs = performance.now();
const queries = params.get('phase') === 'query' ? queryVectors() : [];
let coldOpenMs = 0;
if (params.get('phase') === 'query') {
  await api.search({ vector: queries[0]!, mode: 'dense', k: 10 });
  coldOpenMs = performance.now();
}

async function timed(run: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 5; i++) await run(i); // warm-up
  const times: number[] = [];
  for (let i = 0; i < queryCount; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  return times;
}

async function measure() {
  const held = await api.warm();
  const dense = await timed((i) => api.search({ vector: queries[i]!, mode: 'dense', k: 10 }));
  const hybrid = await timed((i) =>
    api.search({ vector: queries[i]!, query: queryText(i), mode: 'hybrid', k: 10 }),
  );
  let found = 0;
  const exactTop: string[][] = [];
  for (let i = 0; i < queryCount; i++) {
    const key = (hit: { documentId: string; chunkSeq: number }) => `${hit.documentId}:${hit.chunkSeq}`;
    const approx = new Set((await api.search({ vector: queries[i]!, mode: 'dense', k: 10 })).map(key));
    const exact = (await api.search({ vector: queries[i]!, mode: 'dense', k: 10, precision: 'float' })).map(
      key,
    );
    exactTop.push(exact);
    found += exact.filter((id) => approx.has(id)).length;
  }
  return {
    chunks: held.chunks,
    kernel: held.kernel,
    vectorBytes: held.vectorBytes,
    coldOpenMs,
    coldOpenParts: { moduleStartMs, ragStartedMs },
    denseP50: percentile(dense, 50),
    denseP99: percentile(dense, 99),
    hybridP50: percentile(hybrid, 50),
    hybridP99: percentile(hybrid, 99),
    recallAt10: found / (queryCount * 10),
  };
}

/** The same vectors and queries through Orama's vector search (brute force, in this page). */
async function orama(queries: number) {
  const db = create({ schema: { embedding: `vector[${dim}]`, text: 'string' } as const });
  const batch = 5000;
  for (let first = 0; first < n; first += batch) {
    const count = Math.min(batch, n - first);
    const vectors = new Float32Array(count * dim);
    const docs = Array.from({ length: count }, (_, i) => {
      unitVector(first + i, dim, vectors, i * dim);
      return {
        id: String(first + i),
        text: chunkText(first + i),
        embedding: Array.from(vectors.subarray(i * dim, (i + 1) * dim)),
      };
    });
    await insertMultiple(db, docs, batch);
  }
  const query = queryVectors();
  const times: number[] = [];
  let returned = 0;
  for (let i = 0; i < queries; i++) {
    const started = performance.now();
    // A similarity threshold well under the 10th best of random 384-d vectors (~0.2) keeps the
    // candidate list short, which is Orama at its fastest while still returning the true top 10.
    const result = await oramaSearch(db, {
      mode: 'vector',
      vector: { value: Array.from(query[i]!), property: 'embedding' },
      similarity: 0.12,
      limit: 10,
    });
    times.push(performance.now() - started);
    returned += result.hits.length;
  }
  return { p50: percentile(times, 50), returned: returned / queries };
}

const harness = { build, measure, orama };
export type BenchHarness = typeof harness;
Object.assign(globalThis, { harness });
