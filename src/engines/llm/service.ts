import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';
import { readModelJson, type ModelFiles } from '../../core/model-files.ts';
import type { LongOperationOptions } from '../../core/progress.ts';
import type { MethodName } from '../../core/rpc/index.ts';
import { configureOrt, type OrtEnvOptions } from '../ort-setup/index.ts';
import type {
  AdapterApi,
  AdapterFiles,
  AdapterInfo,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatEngine,
  EngineCapabilities,
} from './contract.ts';
import type { GenerationHooksFactory } from './generation/plan.ts';
import { loadOrtChatEngine } from './onnx-decoder/ort-chat-engine.ts';
import type { OrtModule } from './onnx-decoder/decoder-runtime.ts';
import type { PoolWorker } from './wasm-decoder/executor.ts';
import type { TokenizerConfig } from './text/tokenizer.ts';
import type { WebLlmLoadOptions } from './webllm/load.ts';

const modelSourceSchema = z.object({
  baseUrl: z.string().min(1),
  modelId: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a model id is "owner/name"'),
  revision: z.string().min(1).default('main'),
});

const loadSchema = z.discriminatedUnion('backend', [
  z.object({
    backend: z.literal('ort'),
    model: modelSourceSchema,
    device: z.enum(['webgpu', 'wasm', 'auto']).optional(),
    dtype: z.string().optional(),
    overflow: z.enum(['error', 'truncate-oldest']).optional(),
    threads: z.number().int().positive().optional(),
    contextLength: z.number().int().positive().optional(),
    wasmQuantized: z.enum(['auto', 'kernel', 'fp32', 'native']).optional(),
    lastLogitsOnly: z.boolean().optional(),
    adapters: z.boolean().optional(),
    kvCache: z.enum(['auto', 'fed-back']).optional(),
    /** Keep the files on the device (the asset store) instead of reading them over HTTP each load. */
    store: z.boolean().default(true),
  }),
  z.object({
    backend: z.literal('webllm'),
    /** An MLC prebuilt model id, such as "Qwen2.5-0.5B-Instruct-q4f32_1-MLC". */
    modelId: z.string().min(1),
    device: z.enum(['webgpu', 'auto']).optional(),
  }),
]);

export type LlmLoadOptions = z.input<typeof loadSchema>;

export interface LlmServiceDeps {
  /**
   * Opens a model's files inside the worker (ModelFiles cannot cross the worker boundary); `store`
   * says whether to keep them on the device, `progress` reports downloads.
   */
  filesFor(
    source: z.output<typeof modelSourceSchema>,
    options: { store: boolean } & LongOperationOptions,
  ): ModelFiles;
  /** Browser builds pass where ORT's .wasm lives; Node leaves it to ORT. */
  wasmPaths?: OrtEnvOptions['wasmPaths'];
  /** Browser builds pass the WASM-only onnxruntime-web build, faster for models run on WASM. */
  wasmBuild?: (threads: number) => Promise<OrtModule>;
  /** Starts one more thread of Hearth's WASM decoder (a module worker); without it the decoder runs one thread. */
  wasmDecoderThread?: () => PoolWorker;
  /** Tool calls and constrained decoding for a model, from its chat template (none: plain chat). */
  hooksFor?(
    modelId: string,
    chatTemplate: TokenizerConfig['chat_template'],
  ): GenerationHooksFactory | undefined;
  /** Loads web-llm models; absent where web-llm is not bundled. */
  loadWebLlm?(modelId: string, options: WebLlmLoadOptions): Promise<ChatEngine>;
}

/**
 * What workers/llm.worker.ts serves: one chat model at a time (loading another replaces it), and
 * chat completions from it. Every method keeps working after an error.
 */
export class LlmService {
  private engine: ChatEngine | undefined;

  constructor(private readonly deps: LlmServiceDeps) {}

  async load(options: LlmLoadOptions, progress: LongOperationOptions = {}): Promise<EngineCapabilities> {
    const parsed = loadSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HearthError(
        'INVALID_INPUT',
        `Say which model to load: { backend: 'ort', model: { baseUrl, modelId } } or { backend: 'webllm', modelId } (${issue?.path.join('.')}: ${issue?.message}).`,
      );
    }
    const next = await this.open(parsed.data, progress);
    const previous = this.engine;
    this.engine = next;
    await previous?.unload().catch(() => undefined);
    return next.capabilities();
  }

  capabilities(): Promise<EngineCapabilities> {
    return this.loaded().capabilities();
  }

  create(request: ChatCompletionRequest): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    return this.loaded().create(request);
  }

  /** LoRA adapters on the loaded model (ORT backend): `name@version`, chosen per request with `adapter`. */
  loadAdapter(ref: string, files: AdapterFiles): Promise<AdapterInfo> {
    return this.adapterApi().load(ref, files);
  }

  unloadAdapter(ref: string): Promise<boolean> {
    return this.adapterApi().unload(ref);
  }

  listAdapters(): Promise<AdapterInfo[]> {
    return this.adapterApi().list();
  }

  private adapterApi(): AdapterApi {
    const adapters = this.loaded().adapters;
    if (!adapters) {
      throw new HearthError(
        'UNSUPPORTED',
        'The loaded model takes no LoRA adapters (web-llm models, or a graph without projections).',
      );
    }
    return adapters;
  }

  async unload(): Promise<void> {
    const current = this.engine;
    this.engine = undefined;
    await current?.unload();
  }

  private async open(
    options: z.output<typeof loadSchema>,
    progress: LongOperationOptions,
  ): Promise<ChatEngine> {
    if (options.backend === 'webllm') {
      if (!this.deps.loadWebLlm) throw new HearthError('UNSUPPORTED', 'This build has no web-llm backend.');
      return this.deps.loadWebLlm(options.modelId, {
        ...progress,
        ...(options.device ? { device: options.device } : {}),
      });
    }
    configureOrt({
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(this.deps.wasmPaths === undefined ? {} : { wasmPaths: this.deps.wasmPaths }),
    });
    const files = this.deps.filesFor(options.model, { store: options.store, ...progress });
    let hooks: GenerationHooksFactory | undefined;
    if (this.deps.hooksFor) {
      const config = await readModelJson<TokenizerConfig>(files, 'tokenizer_config.json');
      hooks = this.deps.hooksFor(files.modelId, config.chat_template);
    }
    const { backend: _, model: __, store: ___, ...rest } = options;
    return loadOrtChatEngine(files, {
      ...rest,
      ...progress,
      ...(hooks ? { hooks } : {}),
      ...(this.deps.wasmBuild ? { wasmBuild: this.deps.wasmBuild } : {}),
      ...(this.deps.wasmDecoderThread ? { wasmDecoderThread: this.deps.wasmDecoderThread } : {}),
    });
  }

  private loaded(): ChatEngine {
    if (!this.engine)
      throw new HearthError('MODEL_NOT_LOADED', 'No chat model is loaded. Call load() first.');
    return this.engine;
  }
}

/** What the LLM worker serves; `open`, `loaded` and `adapterApi` stay inside it. */
export const LLM_METHODS = [
  'load',
  'capabilities',
  'create',
  'loadAdapter',
  'unloadAdapter',
  'listAdapters',
  'unload',
] as const satisfies readonly MethodName<LlmService>[];

export type LlmApi = Pick<LlmService, (typeof LLM_METHODS)[number]>;
