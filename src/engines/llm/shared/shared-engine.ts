import { abortError, HearthError } from '../../../core/errors.ts';
import type { LongOperationOptions, Progress } from '../../../core/progress.ts';
import type { MethodName } from '../../../core/rpc/index.ts';
import type {
  AdapterFiles,
  AdapterInfo,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  EngineCapabilities,
} from '../contract.ts';
import type { LlmApi, LlmLoadOptions } from '../service.ts';
import { answerInterrupted } from './errors.ts';

/** What the pages sharing an engine can learn about it (the Device view shows it). */
export interface SharedEngineStats {
  /** Pages connected now. */
  sessions: number;
  /** Models loaded since the engine started: one, however many tabs asked for it. */
  modelLoads: number;
  /** The model loaded now (its id), if any. */
  model: string | undefined;
}

/** One model load, shared by every session that asked for the same options while it ran. */
interface Loading {
  key: string;
  promise: Promise<EngineCapabilities>;
  listeners: Set<(progress: Progress) => void>;
  controller: AbortController;
  waiting: number;
}

/** An answer being streamed to a page, ended from outside when the page goes away. */
interface OpenAnswer {
  interrupt(error: HearthError): void;
}

/**
 * One LLM engine serving many pages: each page gets an `EngineSession` (served on its own port),
 * and they share one loaded model. A page asking for the model already loaded (or loading) waits
 * for that load instead of starting another; pages asking for different models are served by the
 * one engine in turn, each request running on the model its page asked for.
 *
 * A page that goes away mid-answer must not hold the engine: its answers are ended (their
 * generators returned, which releases the engine's turn) as soon as its session is closed, so the
 * next page is served at once. A stream nobody reads would otherwise keep the turn forever.
 */
export class SharedLlmEngine {
  private readonly sessions = new Set<EngineSession>();
  private loadedKey: string | undefined;
  private loadedModel: string | undefined;
  private loading: Loading | undefined;
  private modelLoads = 0;
  /** Generations running; a switch to another model waits until they end. */
  private running = 0;
  private idle: Array<() => void> = [];

  constructor(private readonly service: LlmApi) {}

  /** A new page's view of the engine; `close` it when the page is gone. */
  session(): EngineSession {
    const session = new EngineSession(this, this.service);
    this.sessions.add(session);
    return session;
  }

  stats(): SharedEngineStats {
    return { sessions: this.sessions.size, modelLoads: this.modelLoads, model: this.loadedModel };
  }

  /** @internal */
  forget(session: EngineSession): void {
    this.sessions.delete(session);
  }

  /** @internal Makes `options` the loaded model, joining a load of the same options already running. */
  async ensure(
    options: LlmLoadOptions,
    key: string,
    progress: LongOperationOptions,
  ): Promise<EngineCapabilities> {
    for (;;) {
      if (this.loading?.key === key) return this.join(this.loading, progress);
      if (this.loading) {
        await this.loading.promise.catch(() => undefined);
        continue;
      }
      if (this.loadedKey === key) return this.service.capabilities();
      await this.whenIdle();
      if (this.loading || this.loadedKey === key) continue;
      this.loading = this.startLoad(options, key);
    }
  }

  /** @internal Runs `generate` on the model of `key`, loading it first if another model took its place. */
  async use<T>(
    options: LlmLoadOptions,
    key: string,
    generate: () => Promise<T>,
  ): Promise<{ result: T; done: () => void }> {
    for (;;) {
      await this.ensure(options, key, {});
      if (this.loading || this.loadedKey !== key) continue;
      this.running++;
      let released = false;
      const done = () => {
        if (released) return;
        released = true;
        if (--this.running === 0) for (const wake of this.idle.splice(0)) wake();
      };
      try {
        return { result: await generate(), done };
      } catch (error) {
        done();
        throw error;
      }
    }
  }

  /** @internal The session's model is no longer needed by it: unloaded when no other session uses it. */
  async release(key: string | undefined): Promise<void> {
    if (key === undefined || key !== this.loadedKey) return;
    for (const session of this.sessions) if (session.modelKey === key) return;
    await this.whenIdle();
    if (this.loadedKey !== key || this.loading) return;
    this.loadedKey = undefined;
    this.loadedModel = undefined;
    await this.service.unload();
  }

  private startLoad(options: LlmLoadOptions, key: string): Loading {
    const controller = new AbortController();
    const listeners = new Set<(progress: Progress) => void>();
    const promise = this.service
      .load(options, {
        signal: controller.signal,
        onProgress: (progress) => listeners.forEach((listener) => listener(progress)),
      })
      .then((capabilities) => {
        this.loadedKey = key;
        this.loadedModel = modelIdOf(options);
        this.modelLoads++;
        return capabilities;
      })
      .finally(() => {
        if (this.loading?.promise === promise) this.loading = undefined;
      });
    promise.catch(() => undefined);
    return { key, promise, listeners, controller, waiting: 0 };
  }

  /**
   * Waits for a shared load with this session's progress and signal. A session that gives up stops
   * waiting at once; the load itself is cancelled only when every session waiting for it gave up.
   */
  private join(loading: Loading, { signal, onProgress }: LongOperationOptions): Promise<EngineCapabilities> {
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    if (onProgress) loading.listeners.add(onProgress);
    loading.waiting++;
    return new Promise<EngineCapabilities>((resolve, reject) => {
      const leave = () => {
        if (onProgress) loading.listeners.delete(onProgress);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        leave();
        if (--loading.waiting === 0) loading.controller.abort(signal?.reason);
        reject(abortError(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      loading.promise.then(
        (capabilities) => {
          leave();
          resolve(capabilities);
        },
        (error: unknown) => {
          leave();
          reject(error);
        },
      );
    });
  }

  private whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }
}

/**
 * What one page is served: the LLM service's methods, over the shared engine. `close` (the page is
 * gone) ends its answers in flight; `pause` (the page is being frozen) ends them with
 * ANSWER_INTERRUPTED, which the page reads when it wakes.
 */
export class EngineSession {
  private options: LlmLoadOptions | undefined;
  /** @internal */
  modelKey: string | undefined;
  private readonly answers = new Set<OpenAnswer>();
  private closed: HearthError | undefined;

  constructor(
    private readonly engine: SharedLlmEngine,
    private readonly service: LlmApi,
  ) {}

  async load(options: LlmLoadOptions, progress: LongOperationOptions = {}): Promise<EngineCapabilities> {
    this.alive();
    const key = keyOf(options);
    const capabilities = await this.engine.ensure(options, key, progress);
    this.options = options;
    this.modelKey = key;
    return capabilities;
  }

  capabilities(): Promise<EngineCapabilities> {
    this.alive();
    return this.service.capabilities();
  }

  async create(request: ChatCompletionRequest): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    this.alive();
    const { options, modelKey } = this;
    if (!options || modelKey === undefined)
      throw new HearthError('MODEL_NOT_LOADED', 'No chat model is loaded. Call load() first.');
    const controller = new AbortController();
    const { signal } = request;
    const follow = () => controller.abort(signal?.reason);
    if (signal?.aborted) follow();
    signal?.addEventListener('abort', follow, { once: true });
    // Until the stream exists, an interruption only aborts; the stream then takes it over.
    let stream: ReturnType<typeof interruptible> | undefined;
    let early: HearthError | undefined;
    const answer: OpenAnswer = {
      interrupt: (error) => {
        if (stream) return stream.interrupt(error);
        early ??= error;
        controller.abort(error);
      },
    };
    this.answers.add(answer);
    const forget = () => {
      signal?.removeEventListener('abort', follow);
      this.answers.delete(answer);
    };
    let done: () => void = () => undefined;
    try {
      const used = await this.engine.use(options, modelKey, () =>
        this.service.create({ ...request, signal: controller.signal }),
      );
      done = used.done;
      if (!isAsyncIterable(used.result)) {
        done();
        forget();
        return used.result;
      }
      stream = interruptible(used.result, controller, () => {
        done();
        forget();
      });
      if (early) stream.interrupt(early);
      return stream.iterable;
    } catch (error) {
      done();
      forget();
      throw early ?? error;
    }
  }

  loadAdapter(ref: string, files: AdapterFiles): Promise<AdapterInfo> {
    this.alive();
    return this.service.loadAdapter(ref, files);
  }

  unloadAdapter(ref: string): Promise<boolean> {
    this.alive();
    return this.service.unloadAdapter(ref);
  }

  listAdapters(): Promise<AdapterInfo[]> {
    this.alive();
    return this.service.listAdapters();
  }

  /** This page no longer needs its model; the engine unloads it when no other page uses it. */
  async unload(): Promise<void> {
    const key = this.modelKey;
    this.options = undefined;
    this.modelKey = undefined;
    await this.engine.release(key);
  }

  async stats(): Promise<SharedEngineStats> {
    return this.engine.stats();
  }

  /** The page is being frozen: its answers end now, with an error it reads on waking. */
  pause(): void {
    for (const answer of [...this.answers]) answer.interrupt(answerInterrupted());
  }

  /** The page is gone: its answers end, and the session serves nothing more. */
  close(): void {
    if (this.closed) return;
    this.closed = new HearthError('ABORTED', 'The page that asked for this answer is gone.');
    for (const answer of [...this.answers]) answer.interrupt(this.closed);
    this.engine.forget(this);
    void this.engine.release(this.modelKey).catch(() => undefined);
  }

  private alive(): void {
    if (this.closed) throw this.closed;
  }
}

/** The session methods a page may call. */
export const ENGINE_SESSION_METHODS = [
  'load',
  'capabilities',
  'create',
  'loadAdapter',
  'unloadAdapter',
  'listAdapters',
  'unload',
  'stats',
] as const satisfies readonly MethodName<EngineSession>[];

/**
 * A stream that can be ended from outside. Ending it aborts the generation and returns the
 * engine's generator (a generator paused at `yield` sees no abort until someone pulls it), so the
 * engine's turn is free at once; the reader, if it reads again, gets the error that ended it.
 */
function interruptible(
  source: AsyncIterable<ChatCompletionChunk>,
  controller: AbortController,
  onEnd: () => void,
): OpenAnswer & { iterable: AsyncIterable<ChatCompletionChunk> } {
  const inner = source[Symbol.asyncIterator]();
  let interrupted: HearthError | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  const iterator: AsyncIterator<ChatCompletionChunk> = {
    async next() {
      if (interrupted) throw interrupted;
      try {
        const result = await inner.next();
        if (interrupted) throw interrupted;
        if (result.done) end();
        return result;
      } catch (error) {
        end();
        throw interrupted ?? error;
      }
    },
    async return() {
      try {
        return (await inner.return?.()) ?? { done: true, value: undefined };
      } finally {
        end();
      }
    },
  };
  return {
    iterable: { [Symbol.asyncIterator]: () => iterator },
    interrupt(error) {
      if (interrupted || ended) return;
      interrupted = error;
      controller.abort(error);
      void Promise.resolve(inner.return?.())
        .catch(() => undefined)
        .finally(end);
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<ChatCompletionChunk> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Loads with equal options (in any key order) are one model. */
function keyOf(options: LlmLoadOptions): string {
  return JSON.stringify(options, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
}

function modelIdOf(options: LlmLoadOptions): string {
  return options.backend === 'ort' ? options.model.modelId : options.modelId;
}
