import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { HearthError, toHearthError } from '../../core/errors.ts';
import type { Progress } from '../../core/progress.ts';
import { formatBytes } from '../../core/format-bytes.ts';
import type { ChatCompletionRequest, EngineCapabilities, HearthProgress } from '../../runtime/index.ts';
import { controls } from '../shell/shared-styles.ts';
import { markdownStyles } from '../chat/markdown-styles.ts';
import { handleAnswerClick } from '../chat/markdown/answer-clicks.ts';
import { loadRenderer, renderFull, StreamingMarkdown } from '../chat/markdown/streaming-markdown.ts';
import type { Sampling } from '../chat/sampling.ts';
import { readHearthChatConfig, type HearthChatConfig, type HearthChatInput } from './config.ts';
import { hearthChatError } from './errors.ts';
import { acquireEngine, type EngineHolder, type EngineLease } from './page-engine.ts';
import { frameStyles, portable, registerRemProperty } from './styles.ts';

/** One message of the conversation, as `messages` and the `message` event give it. */
export interface HearthChatMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Answers only: how it ended (`abort` after stop(), `error` when it failed). */
  finish?: 'stop' | 'length' | 'tool_calls' | 'abort' | 'error';
  error?: { code: string; message: string };
  /** Answers from a collection: the passages it was given, numbered as it cites them. */
  sources?: Array<{ n: number; title: string; snippet: string }>;
}

/** The `ready` event: the model is loaded, and where and how it runs. */
export interface HearthChatReadyDetail {
  model: string;
  device: 'webgpu' | 'wasm';
  deviceReason: string;
  /** Whether the host page is cross-origin isolated (COOP/COEP): without it WASM runs on one thread. */
  crossOriginIsolated: boolean;
  /** WASM threads the engine runs (1 on a page that is not cross-origin isolated); absent on WebGPU. */
  wasmThreads?: number;
  /** In words, for a page to show or log. */
  note: string;
}

export interface HearthChatErrorDetail {
  code: string;
  message: string;
}

export type HearthChatProgressDetail = HearthProgress;

type Phase = { kind: 'loading'; progress: Progress | null } | { kind: 'waiting' } | { kind: 'writing' };

interface Active {
  answer: HearthChatMessage;
  controller: AbortController;
  phase: Phase;
}

/** The element's settings; those that choose the engine are in `engineKey`. */
const settings = [
  'model',
  'embeddingModel',
  'adapter',
  'systemPrompt',
  'collection',
  'agent',
  'modelsBaseUrl',
  'apiBaseUrl',
  'apiKey',
  'device',
  'sampling',
] as const;

function engineKey(config: HearthChatConfig): string {
  const { model, embeddingModel, modelsBaseUrl, apiBaseUrl, apiKey, device } = config;
  return JSON.stringify([model, embeddingModel, modelsBaseUrl, apiBaseUrl, apiKey, device]);
}

const passagesPerQuestion = 4;

registerRemProperty();

/**
 * `<hearth-chat>`: a chat with a model that runs on the visitor's device, for any page. It loads
 * its model when it is connected (the `ready` event says when it can answer), streams answers as
 * sanitised Markdown (the app's renderer), and shares one engine with every other <hearth-chat> of
 * the page (see page-engine.ts). Events (`ready`, `message`, `error`, `progress`) are dispatched on
 * the element and do not bubble: `message` and `error` are also names the window uses.
 */
export class HearthChat extends LitElement {
  static override properties = {
    model: { type: String },
    embeddingModel: { type: String, attribute: 'embedding-model' },
    adapter: { type: String },
    systemPrompt: { type: String, attribute: 'system-prompt' },
    collection: { type: String },
    agent: { attribute: 'agent' },
    modelsBaseUrl: { type: String, attribute: 'models-base-url' },
    apiBaseUrl: { type: String, attribute: 'api-base-url' },
    device: { type: String },
    apiKey: { attribute: false },
    sampling: { attribute: false },
    conversation: { state: true },
    active: { state: true },
    problem: { state: true },
    announcement: { state: true },
  };
  /** The chat model, a Hugging Face hub id (`owner/name`, ONNX export). Default: the bundled demo model. */
  declare model: string | undefined;
  /** The embedding model the `collection` was embedded with. */
  declare embeddingModel: string | undefined;
  /** A LoRA adapter name from the fine-tuning server at `api-base-url`. */
  declare adapter: string | undefined;
  declare systemPrompt: string | undefined;
  /** Answer from this collection (id or name) of the site's document store. */
  declare collection: string | undefined;
  /** An agent pipeline: JSON in the attribute, or an object. */
  declare agent: unknown;
  /** Where model files are served in hub layout; default: a catalog model's own server, else the hub. */
  declare modelsBaseUrl: string | undefined;
  /** The fine-tuning server adapters come from (with `apiKey`, a browser key). */
  declare apiBaseUrl: string | undefined;
  declare apiKey: string | undefined;
  /** `auto` (default), `webgpu` or `wasm`. */
  declare device: string | undefined;
  declare sampling: Partial<Sampling> | undefined;
  declare private conversation: HearthChatMessage[];
  declare private active: Active | null;
  declare private problem: HearthChatErrorDetail | null;
  declare private announcement: string;

  private lease: EngineLease | undefined;
  private leaseConfig: HearthChatConfig | undefined;
  /** The model failed to load: the next message tries again. */
  private leaseFailed = false;
  /** The settings last tried (their JSON), so that one change is reported once. */
  private triedSettings = '';
  private readonly holder: EngineHolder = {
    progress: (progress) => this.onProgress(progress),
  };
  private readonly streams = new Map<string, StreamingMarkdown>();
  private readonly rendered = new Map<string, string>();

  constructor() {
    super();
    this.conversation = [];
    this.active = null;
    this.problem = null;
    this.announcement = '';
  }

  static override styles = [portable(controls), portable(markdownStyles), frameStyles];

  /* ---- the public API ---- */

  /** The conversation so far (a copy). */
  get messages(): HearthChatMessage[] {
    return this.conversation.map((message) => ({ ...message }));
  }

  /**
   * Sends a message and streams the answer. Resolves with the answer once it is complete (or
   * stopped: `finish: 'abort'`); rejects with a HearthError when it fails, after the `error` event.
   */
  async send(text: string): Promise<HearthChatMessage> {
    const content = typeof text === 'string' ? text.trim() : '';
    if (!content) throw new HearthError('INVALID_INPUT', 'send(text) needs a message: a non-empty string.');
    if (this.active)
      throw hearthChatError(
        'HEARTH_CHAT_BUSY',
        'This <hearth-chat> is still answering: wait, or call stop().',
      );
    let config: HearthChatConfig;
    let lease: EngineLease;
    try {
      config = this.readConfig();
      if (config.agent)
        throw hearthChatError(
          'HEARTH_CHAT_AGENT_UNAVAILABLE',
          'This build of Hearth runs no agent pipelines yet: remove the `agent` attribute to chat with the model.',
        );
      lease = this.currentLease();
    } catch (error) {
      throw this.fail(error);
    }
    const question: HearthChatMessage = { id: crypto.randomUUID(), role: 'user', content };
    const answer: HearthChatMessage = { id: crypto.randomUUID(), role: 'assistant', content: '' };
    const history = this.conversation.filter((m) => m.finish !== 'error' && m.content);
    this.conversation = [...this.conversation, question, answer];
    this.emit('message', { ...question });
    return this.answer(answer, [...history, question], config, lease);
  }

  /** Stops the answer being written; false when none is. */
  stop(): boolean {
    if (!this.active) return false;
    this.active.controller.abort('stopped');
    return true;
  }

  /** Stops any answer and empties the conversation. */
  clear(): void {
    this.stop();
    this.conversation = [];
    this.streams.clear();
    this.rendered.clear();
    this.problem = null;
  }

  /* ---- lifecycle ---- */

  override connectedCallback(): void {
    super.connectedCallback();
    // Taken at once, not at the next update: an element moved in the page keeps the engine.
    this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
    this.releaseLease();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.isConnected || !settings.some((name) => changed.has(name))) return;
    // Settings set after the element was added, or changed later. Those already tried (attributes
    // written in the markup, read when it connected) are not tried again.
    const now = this.settingsSnapshot();
    if (now === this.triedSettings) return;
    let config: HearthChatConfig;
    try {
      config = this.readConfig();
    } catch (error) {
      this.triedSettings = now;
      this.releaseLease();
      this.fail(error);
      return;
    }
    // Another engine only if the engine's own settings differ; the others apply from the next message.
    if (!this.lease || engineKey(config) !== engineKey(this.leaseConfig!)) {
      this.stop();
      this.releaseLease();
      this.start();
    } else {
      this.triedSettings = now;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // Answers already complete (after a re-render) get their Markdown once; streaming ones are fed.
    for (const message of this.conversation) {
      if (message.role !== 'assistant' || this.streams.has(message.id)) continue;
      if (this.rendered.get(message.id) === message.content) continue;
      const body = this.bodyOf(message.id);
      if (!body) continue;
      this.rendered.set(message.id, message.content);
      void renderFull(body, message.content);
    }
  }

  /** Takes the page's engine with the current settings; the model starts loading now. */
  private start(): void {
    this.triedSettings = this.settingsSnapshot();
    try {
      const config = this.readConfig();
      this.lease = acquireEngine(this.holder, config);
      this.leaseConfig = config;
      this.leaseFailed = false;
      this.problem = null;
    } catch (error) {
      this.fail(error);
      return;
    }
    const lease = this.lease;
    lease.capabilities.then(
      (capabilities) => {
        if (this.lease === lease) this.emit('ready', readyDetail(capabilities));
      },
      (error: unknown) => {
        if (this.lease !== lease) return;
        this.leaseFailed = true;
        this.fail(error);
      },
    );
  }

  private releaseLease(): void {
    this.lease?.release();
    this.lease = undefined;
    this.leaseConfig = undefined;
  }

  private settingsInput(): HearthChatInput {
    return {
      model: this.model,
      embeddingModel: this.embeddingModel,
      adapter: this.adapter,
      systemPrompt: this.systemPrompt,
      collection: this.collection,
      agent: this.agent,
      modelsBaseUrl: this.modelsBaseUrl,
      apiBaseUrl: this.apiBaseUrl,
      apiKey: this.apiKey,
      device: this.device,
      sampling: this.sampling,
    };
  }

  private settingsSnapshot(): string {
    return JSON.stringify(this.settingsInput());
  }

  private readConfig(): HearthChatConfig {
    return readHearthChatConfig(this.settingsInput(), document.baseURI);
  }

  /** The engine for the next message; a failed model load is tried again. */
  private currentLease(): EngineLease {
    if (!this.isConnected)
      throw hearthChatError(
        'HEARTH_CHAT_INVALID_ATTRIBUTE',
        'This <hearth-chat> is not in the page: add it to the document before sending.',
      );
    if (this.leaseFailed) this.releaseLease();
    if (!this.lease) this.start();
    if (!this.lease) throw this.problemError();
    return this.lease;
  }

  private problemError(): HearthError {
    const problem = this.problem;
    return problem
      ? new HearthError(problem.code as HearthError['code'], problem.message)
      : new HearthError('INTERNAL', 'The engine could not start.');
  }

  /* ---- answering ---- */

  private async answer(
    answer: HearthChatMessage,
    history: HearthChatMessage[],
    config: HearthChatConfig,
    lease: EngineLease,
  ): Promise<HearthChatMessage> {
    const controller = new AbortController();
    const { signal } = controller;
    this.active = { answer, controller, phase: { kind: 'loading', progress: null } };
    void loadRenderer(); // fetched while the model loads or thinks, ready for the first token
    await this.updateComplete;
    const body = this.bodyOf(answer.id);
    const stream = body ? new StreamingMarkdown(body) : undefined;
    if (stream) this.streams.set(answer.id, stream);
    let failure: HearthError | undefined;
    try {
      const capabilities = await abortable(lease.capabilities, signal);
      this.setPhase({ kind: 'waiting' });
      let request = requestFor(history, config);
      if (config.collection) {
        const grounded = await this.ground(request, config.collection, capabilities, lease);
        request = grounded.request;
        answer.sources = grounded.sources;
      }
      if (config.adapter) request.adapter = await lease.adapterRef(config.adapter);
      throwIfStopped(signal);
      const chat = await lease.chat;
      for await (const chunk of await chat.completions.create({ ...request, signal, stream: true })) {
        if (signal.aborted) break; // stop freezes the answer where it is
        const choice = chunk.choices[0];
        const delta = choice?.delta.content;
        if (delta) {
          if (!answer.content) this.setPhase({ kind: 'writing' });
          answer.content += delta;
          stream?.append(delta);
        }
        if (choice?.finish_reason) answer.finish = choice.finish_reason;
      }
      answer.finish = signal.aborted ? 'abort' : (answer.finish ?? 'stop');
    } catch (error) {
      if (signal.aborted) answer.finish = 'abort';
      else {
        failure = toHearthError(error);
        answer.finish = 'error';
        answer.error = { code: failure.code, message: failure.message };
      }
    }
    await stream?.finish();
    this.streams.delete(answer.id);
    this.rendered.set(answer.id, answer.content);
    this.active = null;
    this.conversation = [...this.conversation];
    this.announce(answer);
    if (failure) throw this.fail(failure, { keepNotice: true });
    this.emit('message', { ...answer });
    return { ...answer };
  }

  /** The request with the best passages of the collection, numbered for citing (the app's grounding). */
  private async ground(
    request: ChatCompletionRequest,
    collection: string,
    capabilities: EngineCapabilities,
    lease: EngineLease,
  ) {
    const { groundedRequest } = await import('../chat/grounding.ts');
    const question = request.messages.findLast((m) => m.role === 'user')?.content ?? '';
    const hits = await lease.search(collection, question, passagesPerQuestion);
    const passages = hits.map((hit, index) => ({
      source: {
        n: index + 1,
        documentId: hit.documentId,
        title: hit.title,
        start: hit.start,
        end: hit.end,
        headingPath: hit.headingPath,
        ...(hit.page === undefined ? {} : { page: hit.page }),
        snippet: hit.text.replace(/\s+/g, ' ').trim().slice(0, 160),
      },
      text: hit.text,
    }));
    return {
      request: groundedRequest(request, passages, capabilities.contextLength),
      sources: passages.map(({ source }) => ({ n: source.n, title: source.title, snippet: source.snippet })),
    };
  }

  private setPhase(phase: Phase): void {
    if (this.active) this.active = { ...this.active, phase };
  }

  private onProgress(progress: HearthProgress): void {
    this.emit('progress', progress);
    if (this.active?.phase.kind === 'loading' && progress.part === 'chat')
      this.setPhase({ kind: 'loading', progress });
  }

  /** Reports a failure: the `error` event, and a notice in the element unless an answer shows it. */
  private fail(error: unknown, options: { keepNotice?: boolean } = {}): HearthError {
    const failure = toHearthError(error);
    if (!options.keepNotice) this.problem = { code: failure.code, message: failure.message };
    this.emit('error', { code: failure.code, message: failure.message });
    return failure;
  }

  private emit(name: 'ready' | 'message' | 'error' | 'progress', detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** One polite announcement when an answer ends, never one per token. */
  private announce(answer: HearthChatMessage): void {
    const text =
      answer.finish === 'abort'
        ? 'Answer stopped.'
        : answer.finish === 'error'
          ? 'The answer failed.'
          : `Answer ready: ${answer.content.slice(0, 500)}`;
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  private bodyOf(id: string): HTMLElement | null {
    return this.renderRoot.querySelector(`.markdown[data-id="${id}"]`);
  }

  private async submit(event: Event): Promise<void> {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea');
    const text = input?.value.trim() ?? '';
    if (!text || this.active) return;
    input!.value = '';
    await this.send(text).catch(() => undefined); // reported by the `error` event and in the answer
  }

  /* ---- rendering ---- */

  override render() {
    return html`<div class="frame" part="container">
      <section class="messages" part="messages" aria-label="Conversation" tabindex="0">
        ${
          this.conversation.length === 0
            ? html`<p class="empty" part="empty"><slot name="empty">Ask the model on this device.</slot></p>`
            : nothing
        }
        ${repeat(
          this.conversation,
          (message) => message.id,
          (message) => this.renderMessage(message),
        )}
        ${
          this.problem
            ? html`<p class="error" role="alert" part="notice" data-code=${this.problem.code}>
                ${this.problem.message}
              </p>`
            : nothing
        }
      </section>
      ${this.renderComposer()}
      <div class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    </div>`;
  }

  private renderMessage(message: HearthChatMessage) {
    if (message.role === 'user')
      return html`<article class="message user" part="message user-message" aria-label="Your message">
        <div class="who">You</div>
        <div class="text">${message.content}</div>
      </article>`;
    return html`<article class="message assistant" part="message assistant-message" aria-label="Answer">
      <div class="who">Assistant</div>
      <div class="markdown" data-id=${message.id} @click=${handleAnswerClick}></div>
      ${this.renderState(message)} ${renderSources(message)}
    </article>`;
  }

  private renderState(message: HearthChatMessage) {
    const phase = this.active?.answer.id === message.id ? this.active.phase : null;
    if (phase?.kind === 'loading') {
      const p = phase.progress;
      const known = p !== null && p.total > 0;
      return html`<div class="state" data-state="loading">
        <span
          >Loading the model${known ? ` (${formatBytes(p.loaded)} of ${formatBytes(p.total)})` : ''}…</span
        >
        <progress
          aria-label="Model loading"
          max=${known ? p.total : nothing}
          value=${known ? p.loaded : nothing}
        ></progress>
      </div>`;
    }
    if (phase?.kind === 'waiting') return html`<div class="state" data-state="waiting">Thinking…</div>`;
    if (phase?.kind === 'writing') return nothing;
    if (message.finish === 'abort') return html`<div class="state" data-state="stopped">Stopped.</div>`;
    if (message.finish === 'length')
      return html`<div class="state" data-state="length">The answer reached its length limit.</div>`;
    if (message.finish === 'error')
      return html`<p class="error" role="alert" data-state="error" data-code=${message.error?.code ?? ''}>
        ${message.error?.message ?? 'The answer failed.'}
      </p>`;
    return nothing;
  }

  private renderComposer() {
    const answering = this.active !== null;
    return html`<form part="composer" @submit=${this.submit}>
      <label class="sr-only" for="input">Message</label>
      <textarea
        id="input"
        part="input"
        rows="1"
        placeholder="Message (Enter sends)"
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            (e.target as HTMLTextAreaElement).form?.requestSubmit();
          }
        }}
      ></textarea>
      ${
        answering
          ? html`<button type="button" class="primary" part="stop-button" @click=${() => this.stop()}>
              Stop
            </button>`
          : html`<button type="submit" class="primary" part="send-button">Send</button>`
      }
    </form>`;
  }
}

function renderSources(message: HearthChatMessage) {
  if (!message.sources?.length) return nothing;
  return html`<ol class="sources" part="sources" aria-label="Sources">
    ${message.sources.map(
      (source) => html`<li value=${source.n}><strong>${source.title}</strong>: ${source.snippet}</li>`,
    )}
  </ol>`;
}

function requestFor(history: HearthChatMessage[], config: HearthChatConfig): ChatCompletionRequest {
  const messages = history.map((m) => ({ role: m.role, content: m.content }));
  const { temperature, top_p, max_tokens, seed } = config.sampling;
  return {
    messages: config.systemPrompt
      ? [{ role: 'system', content: config.systemPrompt }, ...messages]
      : messages,
    temperature,
    top_p,
    max_tokens,
    ...(seed === undefined ? {} : { seed }),
  };
}

function readyDetail(capabilities: EngineCapabilities): HearthChatReadyDetail {
  const isolated = globalThis.crossOriginIsolated === true;
  const threads = capabilities.device === 'wasm' ? (capabilities.threads ?? 1) : undefined;
  const note = isolated
    ? `${capabilities.modelId} runs on ${capabilities.device}${threads ? ` with ${threads} WASM threads` : ''}.`
    : `${capabilities.modelId} runs on ${capabilities.device}. This page is not cross-origin isolated, so WASM runs on one thread; a page sent with COOP and COEP headers gets threads.`;
  return {
    model: capabilities.modelId,
    device: capabilities.device,
    deviceReason: capabilities.deviceReason,
    crossOriginIsolated: isolated,
    ...(threads === undefined ? {} : { wasmThreads: threads }),
    note,
  };
}

function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new HearthError('ABORTED', 'Stopped.');
}

/** Waits for `promise` unless the answer is stopped first (a model load goes on for the others). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new HearthError('ABORTED', 'Stopped.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new HearthError('ABORTED', 'Stopped.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

if (!customElements.get('hearth-chat')) customElements.define('hearth-chat', HearthChat);

declare global {
  interface HTMLElementTagNameMap {
    'hearth-chat': HearthChat;
  }
}
