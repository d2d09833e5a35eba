import { HearthError, isHearthError, throwIfAborted } from '../../../core/errors.ts';
import type { ModelFiles } from '../../../core/model-files.ts';
import type { CacheKey } from '../cache/prefix-cache.ts';
import { PrefixCache } from '../cache/prefix-cache.ts';
import type {
  AdapterApi,
  AdapterFiles,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionsCreate,
  ChatEngine,
  EngineCapabilities,
  LoadOptions,
} from '../contract.ts';
import { collectCompletion, newIdentity, toChunks } from '../generation/completion.ts';
import { generate, type FedTokens, type GenerationEvent } from '../generation/decode-loop.ts';
import type { GenerationHooksFactory, GenerationPlan } from '../generation/plan.ts';
import { prepareGeneration } from '../generation/prepare.ts';
import { TurnLock } from '../generation/turn-lock.ts';
import { validateRequest } from '../request.ts';
import { ChatTemplate } from '../text/chat-template.ts';
import { loadChatTokenizer, type ChatTokenizer } from '../text/tokenizer.ts';
import type { AdapterInfo } from '../../lora/index.ts';
import type { ChatDecoder } from './chat-decoder.ts';
import { EngineAdapters } from './engine-adapters.ts';
import { loadDecoder, type DecoderLoadOptions } from './load-decoder.ts';
import { ort, type OrtDevice } from './decoder-runtime.ts';
import { DecoderSession } from './decoder-session.ts';
import { readModelJson } from '../../../core/model-files.ts';
import { DeviceLossWatch } from './device-loss.ts';

export interface OrtEngineOptions extends LoadOptions, DecoderLoadOptions {
  /** Bytes of adapter weights kept resident; the least recently used adapter goes first. Default 256 MiB. */
  adapterBudgetBytes?: number;
  /** Tool calls and constrained decoding, from the tools/grammar layer. */
  hooks?: GenerationHooksFactory;
}

interface Loaded {
  files: ModelFiles;
  tokenizer: ChatTokenizer;
  template: ChatTemplate;
  decoder: ChatDecoder;
  capabilities: EngineCapabilities;
  vocabSize: number;
  /** Null when the graph has no projections to adapt (or adapters were turned off at load). */
  adapters: EngineAdapters | null;
}

/** Loads a Hugging Face ONNX decoder (onnx-community layout) and serves chat completions from it. */
export async function loadOrtChatEngine(
  files: ModelFiles,
  options: OrtEngineOptions = {},
): Promise<OrtChatEngine> {
  return new OrtChatEngine(await openModel(files, options), options);
}

async function openModel(files: ModelFiles, options: OrtEngineOptions): Promise<Loaded> {
  const tokenizer = await loadChatTokenizer(files);
  const template = new ChatTemplate(tokenizer.config, {
    bos_token: tokenizer.specialToken('bos_token'),
    eos_token: tokenizer.specialToken('eos_token'),
  });
  throwIfAborted(options.signal);
  const modelConfig = await readModelJson<{ max_position_embeddings?: number }>(files, 'config.json');
  const contextLength = Math.min(
    options.contextLength ?? Infinity,
    modelConfig.max_position_embeddings ?? tokenizer.config.model_max_length ?? 2048,
  );
  const { decoder, config, device, threads, quantized, loraTargets, loraFactory, variant, weights } =
    await loadDecoder(files, { ...options, contextLength });
  if (device.device === 'webgpu' && decoder instanceof DecoderSession && decoder.module === ort)
    decoder.deviceLoss = await DeviceLossWatch.ofOrtDevice();
  const adapters =
    loraTargets.length === 0
      ? null
      : new EngineAdapters(files.modelId, loraTargets, await loraFactory(), options.adapterBudgetBytes);

  const templateSource = JSON.stringify(tokenizer.config.chat_template ?? '');
  const capabilities: EngineCapabilities = {
    backend: 'ort',
    device: device.device,
    deviceReason:
      `${device.reason} Weights: ${variant.reason}${quantized ? `; ${quantized}` : ''}.` +
      (device.device === 'wasm' ? ` WASM threads: ${threads.count} (${threads.reason}).` : ''),
    ...(device.device === 'wasm' ? { threads: threads.count } : {}),
    modelId: files.modelId,
    dtype: variant.dtype,
    contextLength,
    supportsTools: options.hooks !== undefined && templateSource.includes('tools'),
    supportsAdapters: adapters !== null,
    supportsGrammar: options.hooks !== undefined,
    weights,
  };
  const vocabSize = config.vocab_size ?? tokenizer.vocabulary().length;
  return { files, tokenizer, template, decoder, capabilities, vocabSize, adapters };
}

export class OrtChatEngine implements ChatEngine {
  private loaded: Loaded | null;
  private readonly prefixCache = new PrefixCache();
  private readonly lock = new TurnLock();

  constructor(
    loaded: Loaded,
    private readonly options: OrtEngineOptions,
  ) {
    this.loaded = loaded;
  }

  async capabilities(): Promise<EngineCapabilities> {
    return this.require().capabilities;
  }

  /**
   * LoRA adapters by `name@version`, chosen per request with `adapter`. Loading or unloading waits
   * for the request in flight, so nothing changes under a running generation.
   */
  readonly adapters: AdapterApi = {
    load: async (ref: string, files: AdapterFiles): Promise<AdapterInfo> =>
      this.withAdapters((adapters) => adapters.load(ref, files)),
    unload: async (ref: string): Promise<boolean> => this.withAdapters((adapters) => adapters.unload(ref)),
    list: async (): Promise<AdapterInfo[]> => this.require().adapters?.list() ?? [],
  };

  /** Tokens run through the model since load: the prefix cache shows as fewer of them. */
  get processedTokens(): number {
    return this.require().decoder.processedTokens;
  }

  readonly create = ((request: ChatCompletionRequest) => this.complete(request)) as ChatCompletionsCreate;

  private async complete(
    raw: ChatCompletionRequest,
  ): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    const request = validateRequest(raw);
    await this.recoverIfLost();
    const loaded = this.require();
    if (request.adapter && !loaded.adapters) {
      throw new HearthError(
        'UNSUPPORTED',
        `${loaded.capabilities.modelId} takes no LoRA adapters (no q/k/v/o/gate/up/down projections found in its graph); send the request without adapter.`,
      );
    }
    // Before any work: an unknown adapter is the caller's mistake, not a generation failure.
    const adapterId = loaded.adapters?.cacheId(request.adapter) ?? null;
    const key = this.cacheKey(loaded, adapterId);
    const plan = await prepareGeneration(request, {
      cachedTokens: this.prefixCache.tokensFor(key),
      tokenizer: loaded.tokenizer,
      template: loaded.template,
      vocabSize: loaded.vocabSize,
      contextLength: loaded.capabilities.contextLength,
      overflow: this.options.overflow ?? 'error',
      ...(this.options.hooks ? { hooks: this.options.hooks } : {}),
    });
    const identity = newIdentity(request.model ?? loaded.capabilities.modelId);
    const chunks = toChunks(this.run(loaded, plan, key, request.adapter), identity);
    if (request.stream) return chunks;
    const completion = await collectCompletion(chunks);
    throwIfAborted(request.signal);
    return completion;
  }

  async unload(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded) return;
    const release = await this.lock.acquire();
    try {
      this.loaded = null;
      this.prefixCache.clear();
      await loaded.decoder.release();
      loaded.adapters?.dispose();
    } finally {
      release();
    }
  }

  /** `adapterId` is the ref and the fingerprint of its weights, so the KV of one adapter never serves another. */
  private cacheKey(loaded: Loaded, adapterId: string | null): CacheKey {
    return {
      modelId: loaded.files.modelId,
      revision: loaded.files.revision,
      dtype: loaded.capabilities.dtype,
      device: loaded.capabilities.device,
      adapter: adapterId,
    };
  }

  private async withAdapters<T>(use: (adapters: EngineAdapters) => T): Promise<T> {
    const release = await this.lock.acquire();
    try {
      const adapters = this.require().adapters;
      if (!adapters) {
        throw new HearthError(
          'UNSUPPORTED',
          `${this.require().capabilities.modelId} takes no LoRA adapters (no adaptable projections in its graph).`,
        );
      }
      return use(adapters);
    } finally {
      release();
    }
  }

  /** Waits its turn, reuses the cached prefix, generates, and records what the KV cache now holds. */
  private async *run(
    loaded: Loaded,
    plan: GenerationPlan,
    key: CacheKey,
    adapter: string | undefined,
  ): AsyncGenerator<GenerationEvent> {
    const release = await this.lock.acquire();
    const { decoder } = loaded;
    const fed: FedTokens = { ids: [] };
    let failed = false;
    try {
      if (this.loaded !== loaded) throw notLoaded();
      // The adapter is fixed for the whole request: a switch takes effect from the next one.
      decoder.extraFeeds = loaded.adapters?.feeds(adapter) ?? {};
      if (decoder.cache.length !== this.prefixCache.tokens.length) this.prefixCache.clear();
      const reuse = this.prefixCache.plan(key, plan.promptIds);
      if (reuse.keep === 0) decoder.cache.reset();
      else await decoder.cache.truncate(reuse.keep);
      fed.ids = plan.promptIds.slice(0, reuse.keep);
      yield* generate(plan, reuse.prefill, decoder, loaded.tokenizer, fed);
    } catch (error) {
      failed = true;
      // The next request waits for the move to WASM (it holds the turn lock until then).
      if (isHearthError(error, 'DEVICE_LOST')) await this.moveToWasm(loaded);
      throw error;
    } finally {
      if (failed || decoder.cache.length !== fed.ids.length) {
        this.prefixCache.clear();
        decoder.cache.reset();
      } else {
        this.prefixCache.commit(key, fed.ids);
      }
      release();
    }
  }

  /** A device lost between requests is noticed here, before the next one runs. */
  private async recoverIfLost(): Promise<void> {
    const loaded = this.loaded;
    if (!loaded?.decoder.deviceLoss?.info) return;
    const release = await this.lock.acquire();
    try {
      if (this.loaded === loaded) await this.moveToWasm(loaded);
    } finally {
      release();
    }
  }

  /**
   * Reopens the model on WASM after its WebGPU device was lost (called with the turn lock held).
   * The files are on the device already, so this takes a load's time without a download. LoRA
   * adapters lived on the lost GPU: they must be loaded again. If the reload fails, the engine is
   * left unloaded and says so on the next call.
   */
  private async moveToWasm(lost: Loaded): Promise<void> {
    if (this.loaded !== lost) return;
    this.loaded = null;
    this.prefixCache.clear();
    lost.adapters?.dispose();
    await lost.decoder.release().catch(() => undefined); // its device is gone; nothing to free there
    const { signal: _, onProgress: __, ...rest } = this.options;
    const next = await openModel(lost.files, { ...rest, device: 'wasm' });
    const why = lost.decoder.deviceLoss?.info?.message || 'the device was lost';
    next.capabilities = {
      ...next.capabilities,
      deviceReason: `The WebGPU device was lost (${why}): moved to WASM. ${next.capabilities.deviceReason}`,
    };
    this.loaded = next;
  }

  private require(): Loaded {
    if (!this.loaded) throw notLoaded();
    return this.loaded;
  }
}

function notLoaded(): HearthError {
  return new HearthError('MODEL_NOT_LOADED', 'No model is loaded in this engine. Call load() first.');
}

export type { OrtDevice };
