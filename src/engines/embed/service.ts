import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';
import type { ModelFiles } from '../../core/model-files.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import type { MethodName } from '../../core/rpc/index.ts';
import { configureOrt, type OrtEnvOptions } from '../ort-setup/index.ts';
import type { EmbedderInfo, EmbedOptions } from './contract.ts';
import { loadOnnxEmbedder, type LoadEmbedderOptions } from './load.ts';
import type { OnnxEmbedder } from './onnx-embedder.ts';

/** Where the worker reads a model from: a base URL serving hub layout (the app's /models, a mirror, the hub). */
export const embedModelSourceSchema = z.object({
  baseUrl: z.string().min(1),
  modelId: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a model id is "owner/name"'),
  revision: z.string().min(1).default('main'),
  /** Keep the files on the device (the asset store: verified, resumable, offline) instead of reading them over HTTP each load. */
  store: z.boolean().default(true),
});
export type EmbedModelSource = z.input<typeof embedModelSourceSchema>;

export interface EmbedServiceLoadOptions extends Omit<LoadEmbedderOptions, keyof LongOperationOptions> {
  model: EmbedModelSource;
}

export interface EmbedServiceDeps {
  /** Opens a model's files inside the worker (ModelFiles cannot cross the worker boundary); `progress` reports downloads. */
  filesFor(source: z.output<typeof embedModelSourceSchema>, progress: LongOperationOptions): ModelFiles;
  /** Browser builds pass where ORT's .wasm lives; Node leaves it to ORT. */
  wasmPaths?: OrtEnvOptions['wasmPaths'];
}

/**
 * What workers/embed.worker.ts serves: load one embedding model, then embed with it. Loading again
 * replaces the model. Every method keeps working after an error.
 */
export class EmbedService {
  private embedder: OnnxEmbedder | undefined;

  constructor(private readonly deps: EmbedServiceDeps) {}

  async load(options: EmbedServiceLoadOptions, progress: LongOperationOptions = {}): Promise<EmbedderInfo> {
    const source = embedModelSourceSchema.safeParse(options?.model);
    if (!source.success)
      throw new HearthError(
        'INVALID_INPUT',
        `Say which model to load: { baseUrl, modelId, revision? } (${source.error.issues[0]?.message}).`,
      );
    configureOrt({
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(this.deps.wasmPaths === undefined ? {} : { wasmPaths: this.deps.wasmPaths }),
    });
    const next = await loadOnnxEmbedder(this.deps.filesFor(source.data, progress), {
      ...options,
      ...progress,
    });
    const previous = this.embedder;
    this.embedder = next;
    await previous?.dispose();
    return next.info();
  }

  async info(): Promise<EmbedderInfo> {
    return this.loaded().info();
  }

  async embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]> {
    return this.loaded().embed(texts, options);
  }

  async countTokens(texts: string[]): Promise<number[]> {
    return this.loaded().countTokens(texts);
  }

  async unload(): Promise<void> {
    const current = this.embedder;
    this.embedder = undefined;
    await current?.dispose();
  }

  private loaded(): OnnxEmbedder {
    if (!this.embedder)
      throw new HearthError('EMBEDDER_NOT_LOADED', 'No embedding model is loaded. Call load() first.');
    return this.embedder;
  }
}

/** What the embedding worker serves. */
export const EMBED_METHODS = [
  'load',
  'info',
  'embed',
  'countTokens',
  'unload',
] as const satisfies readonly MethodName<EmbedService>[];
