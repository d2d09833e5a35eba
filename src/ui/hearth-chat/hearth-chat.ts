import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { HearthError, toHearthError } from '../../core/errors.ts';
import type { HearthProgress } from '../../runtime/index.ts';
import { controls } from '../shell/shared-styles.ts';
import { markdownStyles } from '../chat/markdown-styles.ts';
import { handleAnswerClick } from '../chat/markdown/answer-clicks.ts';
import { loadRenderer, renderFull, StreamingMarkdown } from '../chat/markdown/streaming-markdown.ts';
import type { Sampling } from '../chat/sampling.ts';
import { abortable } from './abortable.ts';
import { AgentAnswers } from './agent-answers.ts';
import { renderApprovals, renderToolCalls } from './agent-view.ts';
import { chatAnswer } from './chat-answer.ts';
import { readHearthChatConfig, type HearthChatConfig, type HearthChatInput } from './config.ts';
import { hearthChatError } from './errors.ts';
import { acquireEngine, type EngineHolder, type EngineLease } from './page-engine.ts';
import {
  readyDetail,
  type HearthChatErrorDetail,
  type HearthChatMessage,
  type HearthChatProgressDetail,
  type HearthChatReadyDetail,
  type Write,
} from './messages.ts';
import { renderSourceList, renderState, type AnswerState, type Phase } from './message-view.ts';
import { frameStyles, portable, registerRemProperty } from './styles.ts';

export type { HearthChatErrorDetail, HearthChatMessage, HearthChatProgressDetail, HearthChatReadyDetail };

interface Active extends AnswerState {
  answer: HearthChatMessage;
  controller: AbortController;
}

/** The element's settings; those that choose the engine are in `engineKey`. */
const settings = [
  'model',
  'embeddingModel',
  'adapter',
  'systemPrompt',
  'collection',
  'agent',
  'tools',
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
    tools: { attribute: false },
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
  /** An agent pipeline: JSON in the attribute, or an object. Answers are then the pipeline's. */
  declare agent: unknown;
  /** The page's tools the pipeline may name (AgentTools, e.g. from `defineTool`), besides the built-in ones. */
  declare tools: unknown;
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
  /** The settings last tried (their JSON, and the tools), so that one change is reported once. */
  private triedSettings = '';
  private triedTools: unknown;
  /** The setting the notice shown is about, so that fixing it takes the notice away. */
  private problemAttribute: string | undefined;
  private readonly agentAnswers = new AgentAnswers({
    root: () => this.renderRoot,
    rendered: () => this.updateComplete,
    showApprovals: (approvals) => {
      if (this.active)
        this.active = { ...this.active, approvals, ...(approvals ? {} : { phase: { kind: 'waiting' } }) };
    },
    requestUpdate: () => this.requestUpdate(),
    say: (text) => this.say(text),
    fail: (error) => this.fail(error),
  });
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
      lease = this.currentLease();
    } catch (error) {
      throw this.fail(error);
    }
    const question: HearthChatMessage = { id: crypto.randomUUID(), role: 'user', content };
    const answer: HearthChatMessage = { id: crypto.randomUUID(), role: 'assistant', content: '' };
    const history = this.conversation.filter((m) => m.finish !== 'error' && m.content);
    this.conversation = [...this.conversation, question, answer];
    this.emit('message', { ...question });
    return this.answer(answer, async (signal, write) => {
      const capabilities = await abortable(lease.capabilities, signal);
      this.setPhase({ kind: 'waiting' });
      if (config.agent) await this.agentAnswers.answer(answer, content, config, lease, signal, write);
      else
        await chatAnswer({
          answer,
          history: [...history, question],
          config,
          lease,
          capabilities,
          signal,
          write,
        });
    });
  }

  /** Stops the answer being written; false when none is. */
  stop(): boolean {
    if (!this.active) return false;
    this.active.controller.abort('stopped');
    return true;
  }

  /** Stops any answer and empties the conversation (with a pipeline, the next message starts a new thread). */
  clear(): void {
    this.stop();
    this.agentAnswers.newConversation();
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
    if (now === this.triedSettings && this.tools === this.triedTools) return;
    let config: HearthChatConfig;
    try {
      config = this.readConfig();
    } catch (error) {
      this.triedSettings = now;
      this.triedTools = this.tools;
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
      this.triedTools = this.tools;
      if (this.problemAttribute === 'agent' || this.problemAttribute === 'tools') this.problem = null;
      this.agentAnswers.checkWhenSet(this.lease, config);
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
    this.triedTools = this.tools;
    let config: HearthChatConfig;
    try {
      config = this.readConfig();
      this.lease = acquireEngine(this.holder, config);
      this.leaseConfig = config;
      this.leaseFailed = false;
      this.problem = null;
    } catch (error) {
      this.fail(error);
      return;
    }
    const lease = this.lease;
    this.agentAnswers.checkWhenSet(this.lease, config);
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
    this.agentAnswers.forgetCheck();
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
      tools: this.tools,
      modelsBaseUrl: this.modelsBaseUrl,
      apiBaseUrl: this.apiBaseUrl,
      apiKey: this.apiKey,
      device: this.device,
      sampling: this.sampling,
    };
  }

  /** The settings as JSON; the tools (functions) are compared by identity instead (`triedTools`). */
  private settingsSnapshot(): string {
    return JSON.stringify({ ...this.settingsInput(), tools: undefined });
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

  /** Streams an answer that `produce` writes, until it ends, is stopped or fails. */
  private async answer(
    answer: HearthChatMessage,
    produce: (signal: AbortSignal, write: Write) => Promise<void>,
  ): Promise<HearthChatMessage> {
    const controller = new AbortController();
    const { signal } = controller;
    this.active = { answer, controller, phase: { kind: 'loading', progress: null } };
    void loadRenderer(); // fetched while the model loads or thinks, ready for the first token
    await this.updateComplete;
    const body = this.bodyOf(answer.id);
    const stream = body ? new StreamingMarkdown(body) : undefined;
    if (stream) this.streams.set(answer.id, stream);
    let streamed = '';
    const write: Write = (delta) => {
      if (signal.aborted) return; // stop freezes the answer where it is
      if (!streamed) this.setPhase({ kind: 'writing' });
      streamed += delta;
      answer.content = streamed;
      stream?.append(delta);
    };
    let failure: HearthError | undefined;
    try {
      await produce(signal, write);
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
    // A pipeline's answer is its last agent's text: text written before a tool call is not part of it.
    if (body && answer.content !== streamed) await renderFull(body, answer.content);
    this.streams.delete(answer.id);
    this.rendered.set(answer.id, answer.content);
    this.active = null;
    this.conversation = [...this.conversation];
    this.announce(answer);
    if (failure) throw this.fail(failure, { keepNotice: true });
    this.emit('message', { ...answer });
    return { ...answer };
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
    const details = (failure.details ?? {}) as {
      attribute?: string;
      problems?: HearthChatErrorDetail['problems'];
    };
    const detail: HearthChatErrorDetail = {
      code: failure.code,
      message: failure.message,
      ...(details.problems ? { problems: details.problems } : {}),
    };
    if (!options.keepNotice) {
      this.problem = detail;
      this.problemAttribute = details.attribute;
    }
    this.emit('error', detail);
    return failure;
  }

  private emit(name: 'ready' | 'message' | 'error' | 'progress', detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** One polite announcement when an answer ends, never one per token. */
  private announce(answer: HearthChatMessage): void {
    this.say(
      answer.finish === 'abort'
        ? 'Answer stopped.'
        : answer.finish === 'error'
          ? 'The answer failed.'
          : `Answer ready: ${answer.content.slice(0, 500)}`,
    );
  }

  private say(text: string): void {
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
      ${renderToolCalls(message.toolCalls)}
      ${this.active?.answer.id === message.id ? renderApprovals(this.active.approvals) : nothing}
      <div class="markdown" data-id=${message.id} @click=${handleAnswerClick}></div>
      ${renderState(message, this.active?.answer.id === message.id ? this.active : null)}
      ${renderSourceList(message)}
    </article>`;
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

if (!customElements.get('hearth-chat')) customElements.define('hearth-chat', HearthChat);

declare global {
  interface HTMLElementTagNameMap {
    'hearth-chat': HearthChat;
  }
}
