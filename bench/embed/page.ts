import { connectApi } from '../../src/core/rpc/index.ts';
import { createEmbedder } from '../../src/runtime/embedder.ts';
import { makePassages } from './passages.ts';

interface TransformersBench {
  load(options: { threads: number; modelRoot: string }): Promise<{ ortVersion: string | undefined }>;
  embed(texts: string[], batchSize: number): Promise<Float32Array[]>;
}

export interface EmbedBenchConfig {
  threads: number;
  passages: number;
  batchSize: number;
  /** Repository of the MiniLM-shaped model under /bench/.models (hub layout). */
  modelId: string;
}

export interface EmbedBenchResult {
  ours_per_s: number;
  transformersjs_per_s: number;
  /** Largest |difference| between the two libraries' vectors: both must compute the same thing. */
  max_abs_diff: number;
  ours_threads: number;
  transformers_ort: string | undefined;
}

const MODELS = '/bench/.models';

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** One configuration: each library in its own fresh worker, a warm-up batch, then all passages timed. */
async function run(config: EmbedBenchConfig): Promise<EmbedBenchResult> {
  const passages = makePassages(config.passages);
  const warmup = passages.slice(0, config.batchSize);

  const ours = await createEmbedder({
    model: { baseUrl: MODELS, modelId: config.modelId },
    device: 'wasm',
    threads: config.threads,
    batchSize: config.batchSize,
  });
  let oursVectors: Float32Array[];
  let oursSeconds: number;
  let oursThreads: number | undefined;
  try {
    oursThreads = (await ours.info()).threads;
    await ours.embed(warmup);
    ({ value: oursVectors, seconds: oursSeconds } = await timed(() => ours.embed(passages)));
  } finally {
    ours.dispose();
  }

  const worker = new Worker(new URL('./transformers.worker.ts', import.meta.url), { type: 'module' });
  const theirs = connectApi<TransformersBench>(worker);
  let theirVectors: Float32Array[];
  let theirSeconds: number;
  let ortVersion: string | undefined;
  try {
    ({ ortVersion } = await theirs.api.load({
      threads: config.threads,
      modelRoot: `${MODELS}/${config.modelId}/resolve/`,
    }));
    await theirs.api.embed(warmup, config.batchSize);
    ({ value: theirVectors, seconds: theirSeconds } = await timed(() =>
      theirs.api.embed(passages, config.batchSize),
    ));
  } finally {
    theirs.terminate();
  }

  let maxAbsDiff = 0;
  oursVectors.forEach((vector, i) =>
    vector.forEach((v, d) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v - theirVectors[i]![d]!)))),
  );
  return {
    ours_per_s: passages.length / oursSeconds,
    transformersjs_per_s: passages.length / theirSeconds,
    max_abs_diff: maxAbsDiff,
    ours_threads: oursThreads ?? -1,
    transformers_ort: ortVersion,
  };
}

Object.assign(globalThis, { harness: { run, isolated: globalThis.crossOriginIsolated } });
