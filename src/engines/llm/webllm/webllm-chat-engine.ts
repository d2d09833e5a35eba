import type * as webllm from '@mlc-ai/web-llm';
import { abortError, HearthError, toHearthError } from '../../../core/errors.ts';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatCompletionsCreate,
  ChatEngine,
  EngineCapabilities,
} from '../contract.ts';
import { TurnLock } from '../generation/turn-lock.ts';
import { validateRequest } from '../request.ts';
import { fromWebLlmCompletion, fromWebLlmStream, toWebLlmRequest } from './mapping.ts';

/**
 * What Hearth uses of a web-llm engine: `MLCEngine` (inside our worker) and `WebWorkerMLCEngine`
 * (on a page) both have it.
 */
export interface WebLlmEngineLike {
  chat: {
    completions: {
      create(
        request: webllm.ChatCompletionRequest,
      ): Promise<webllm.ChatCompletion | AsyncIterable<webllm.ChatCompletionChunk>>;
    };
  };
  interruptGenerate(): void;
  unload(): Promise<void>;
}

/** Our ChatEngine contract over web-llm (MLC prebuilt models, WebGPU only). */
export class WebLlmChatEngine implements ChatEngine {
  private readonly lock = new TurnLock();
  private unloaded = false;

  constructor(
    private readonly engine: WebLlmEngineLike,
    private readonly info: Omit<EngineCapabilities, 'backend' | 'device' | 'supportsAdapters'>,
  ) {}

  async capabilities(): Promise<EngineCapabilities> {
    return { ...this.info, backend: 'webllm', device: 'webgpu', supportsAdapters: false };
  }

  readonly create = ((request: ChatCompletionRequest) => this.complete(request)) as ChatCompletionsCreate;

  private async complete(
    raw: ChatCompletionRequest,
  ): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    const request = validateRequest(raw);
    if (this.unloaded)
      throw new HearthError('MODEL_NOT_LOADED', 'The web-llm model was unloaded. Load it again.');
    const mapped = toWebLlmRequest(request);
    if (request.stream) return this.stream(mapped, request.signal);
    const release = await this.lock.acquire();
    const stop = this.interruptOn(request.signal);
    try {
      const completion = (await this.engine.chat.completions.create(mapped)) as webllm.ChatCompletion;
      if (request.signal?.aborted) throw abortError(request.signal.reason);
      return fromWebLlmCompletion(completion);
    } catch (error) {
      throw toHearthError(error, 'GENERATION_FAILED');
    } finally {
      stop();
      release();
    }
  }

  async unload(): Promise<void> {
    this.unloaded = true;
    await this.engine.unload();
  }

  private async *stream(
    mapped: webllm.ChatCompletionRequest,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<ChatCompletionChunk> {
    const release = await this.lock.acquire();
    const stop = this.interruptOn(signal);
    try {
      const chunks = (await this.engine.chat.completions.create(
        mapped,
      )) as AsyncIterable<webllm.ChatCompletionChunk>;
      yield* fromWebLlmStream(chunks, () => signal?.aborted === true);
    } finally {
      stop();
      release();
    }
  }

  /** web-llm takes no AbortSignal: abort interrupts the generation, which then ends normally. */
  private interruptOn(signal: AbortSignal | undefined): () => void {
    if (!signal) return () => undefined;
    const onAbort = () => this.engine.interruptGenerate();
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    return () => signal.removeEventListener('abort', onAbort);
  }
}
