import { HearthError, throwIfAborted, toHearthError } from '../../core/errors.ts';
import type { Embedder, EmbedderInfo, EmbedOptions, TruncatedText } from './contract.ts';
import { buildFeeds } from './batch-inputs.ts';
import { planBatches } from './batching.ts';
import { poolBatch } from './pooling.ts';
import { yieldToEventLoop } from './yield.ts';
import { parseKind, parseTexts } from './validate.ts';
import type { ResolvedEmbedModelSpec } from './spec.ts';
import type { EmbedTokenizer } from './tokenizer.ts';
import type { ort } from '../ort-setup/index.ts';

export interface OnnxEmbedderParts {
  info: EmbedderInfo;
  spec: ResolvedEmbedModelSpec;
  tokenizer: EmbedTokenizer;
  session: ort.InferenceSession;
  /** Builds a fresh session; used after a WebGPU run error, which can leave a session unusable. */
  recreateSession: () => Promise<ort.InferenceSession>;
  inputTypes: Map<string, string>;
  outputName: string;
  padId: number;
  batchSize: number;
}

/**
 * A BERT-family embedder on onnxruntime-web: tokenise (with the model's prefixes and limit), sort by
 * length into batches, run, pool, normalise, and return vectors in the caller's order.
 * Calls are queued: one ORT session runs one batch at a time.
 */
export class OnnxEmbedder implements Embedder {
  private queue: Promise<unknown> = Promise.resolve();
  private session: ort.InferenceSession | undefined;
  private disposed = false;

  constructor(private readonly parts: OnnxEmbedderParts) {
    this.session = parts.session;
  }

  async info(): Promise<EmbedderInfo> {
    return { ...this.parts.info };
  }

  async countTokens(texts: string[]): Promise<number[]> {
    const valid = parseTexts(texts, { allowEmpty: true });
    return valid.map((text) => this.parts.tokenizer.count(text));
  }

  embed(texts: string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.embedNow(texts, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.queue;
    const session = this.session;
    this.session = undefined;
    await session?.release();
  }

  private async embedNow(texts: string[], options: EmbedOptions): Promise<Float32Array[]> {
    const { spec, tokenizer, signal } = { ...this.parts, signal: options.signal };
    if (this.disposed)
      throw new HearthError('EMBEDDER_NOT_LOADED', 'This embedder was unloaded. Load the model again.');
    const valid = parseTexts(texts, { allowEmpty: false });
    const kind = parseKind(options.kind);
    throwIfAborted(signal);

    const prefix = kind === 'query' ? spec.queryPrefix : spec.passagePrefix;
    const encoded = valid.map((text) => tokenizer.encode(prefix + text, spec.maxTokens));
    const truncated: TruncatedText[] = [];
    encoded.forEach((e, index) => {
      if (e.fullLength > e.ids.length)
        truncated.push({ index, tokens: e.fullLength, keptTokens: e.ids.length });
    });
    if (truncated.length > 0) options.onTruncated?.(truncated);

    // Without an attention mask, padding would change the result: run such graphs one text at a time.
    const batchSize = this.parts.inputTypes.has('attention_mask') ? this.parts.batchSize : 1;
    const batches = planBatches(
      encoded.map((e) => e.ids.length),
      batchSize,
    );
    const vectors = new Array<Float32Array>(valid.length);
    let done = 0;
    options.onProgress?.({ phase: 'embed', loaded: 0, total: valid.length });
    for (const batch of batches) {
      if (signal) await yieldToEventLoop();
      throwIfAborted(signal);
      const { feeds, seq, lengths } = buildFeeds(
        batch.map((index) => encoded[index]!.ids),
        this.parts.inputTypes,
        this.parts.padId,
      );
      const hidden = await this.runBatch(feeds);
      const dim = this.parts.info.dimensions;
      const expected = batch.length * seq * dim;
      if (hidden.length !== expected)
        throw new HearthError(
          'MODEL_FILE_MALFORMED',
          `${this.parts.info.modelId} returned ${hidden.length} values for a [${batch.length}, ${seq}] batch; expected width ${dim}. Check the model's dimensions.`,
        );
      poolBatch(hidden, lengths, seq, dim, spec.pooling, spec.normalize).forEach((vector, i) => {
        vectors[batch[i]!] = vector;
      });
      done += batch.length;
      options.onProgress?.({ phase: 'embed', loaded: done, total: valid.length });
    }
    throwIfAborted(signal);
    return vectors;
  }

  private async runBatch(feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
    let results: ort.InferenceSession.OnnxValueMapType;
    this.session ??= await this.parts.recreateSession();
    try {
      results = await this.session.run(feeds, [this.parts.outputName]);
    } catch (error) {
      if (this.parts.info.device === 'webgpu') await this.dropSession();
      throw new HearthError(
        'EMBED_RUN_FAILED',
        `${this.parts.info.modelId} failed on ${this.parts.info.device}: ${toHearthError(error).message}. Try again, or use device 'wasm'.`,
        { cause: error },
      );
    } finally {
      for (const tensor of Object.values(feeds)) tensor.dispose();
    }
    const output = results[this.parts.outputName]!;
    const data = (await output.getData()) as Float32Array;
    for (const tensor of Object.values(results)) tensor.dispose();
    return data;
  }

  /** After a WebGPU error the session may be broken; the next batch builds a new one. */
  private async dropSession(): Promise<void> {
    const broken = this.session;
    this.session = undefined;
    await broken?.release().catch(() => undefined);
  }
}
