import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Progress } from '../../core/progress.ts';
import { formatBytes } from '../../core/format-bytes.ts';
import { controls } from '../shell/shared-styles.ts';
import { citationStyles } from './citation-styles.ts';
import { linkCitations, renderSources } from './citations.ts';
import type { AnswerStats, StoredMessage } from './conversation.ts';
import { markdownStyles } from './markdown-styles.ts';
import { copyText, handleAnswerClick } from './markdown/answer-clicks.ts';
import { renderFull, StreamingMarkdown } from './markdown/streaming-markdown.ts';

/** What an answer is doing right now, shown under it while it is written. */
export type AnswerPhase =
  { kind: 'loading'; progress: Progress | null } | { kind: 'waiting' } | { kind: 'writing' };

/**
 * One message. A question is shown as typed; an answer is Markdown, rendered by StreamingMarkdown
 * while it streams (the view feeds it deltas directly, without re-rendering this element per token)
 * and in full once it is stored.
 */
export class ChatMessageElement extends LitElement {
  static override properties = {
    message: { attribute: false },
    phase: { attribute: false },
    canRegenerate: { type: Boolean },
    busy: { type: Boolean },
    editing: { state: true },
    copied: { state: true },
  };
  declare message: StoredMessage;
  declare phase: AnswerPhase | null;
  declare canRegenerate: boolean;
  declare busy: boolean;
  declare private editing: boolean;
  declare private copied: boolean;
  private stream: StreamingMarkdown | undefined;
  private rendered: string | undefined;

  constructor() {
    super();
    this.phase = null;
    this.canRegenerate = false;
    this.busy = false;
    this.editing = false;
    this.copied = false;
  }

  static override styles = [
    controls,
    markdownStyles,
    citationStyles,
    css`
      :host {
        display: block;
      }
      article {
        padding: 0.75rem 0.9rem;
        border-radius: 12px;
      }
      :host([role-user]) article {
        background: var(--bubble);
        margin-inline-start: auto;
        max-width: min(40rem, 92%);
        width: fit-content;
        box-sizing: border-box;
      }
      .who {
        font-size: 0.8rem;
        font-weight: 600;
        color: var(--muted);
        margin-bottom: 0.25rem;
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        line-height: 1.55;
      }
      .state {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        color: var(--muted);
        font-size: 0.9rem;
        margin-top: 0.25rem;
      }
      progress {
        width: min(14rem, 50%);
        accent-color: var(--accent);
      }
      .dots::after {
        content: '…';
        animation: pulse 1.2s infinite;
      }
      @keyframes pulse {
        50% {
          opacity: 0.3;
        }
      }
      .error {
        color: var(--danger);
        margin: 0.25rem 0 0;
      }
      .stats {
        display: flex;
        flex-wrap: wrap;
        gap: 0.15rem 0.9rem;
        margin: 0.5rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.78rem;
        color: var(--muted);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        margin-top: 0.4rem;
      }
      .actions button {
        font-size: 0.8rem;
        min-height: 1.9rem;
        padding: 0.15rem 0.6rem;
      }
      textarea {
        width: 100%;
        min-height: 5rem;
        resize: vertical;
      }
    `,
  ];

  /** The answer starts streaming: its body is emptied and fed by `append`. */
  startStream(): void {
    const body = this.body;
    if (!body) return;
    body.replaceChildren();
    this.stream = new StreamingMarkdown(body);
    this.rendered = undefined;
  }

  appendDelta(delta: string): void {
    this.stream?.append(delta);
  }

  /** The final full parse; resolves once the whole answer is in the DOM. */
  async endStream(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    await stream.finish();
    if (this.body) linkCitations(this.body, this.message.sources);
    this.rendered = stream.text;
    this.stream = undefined;
    // The stats wait for the text: they say the answer is complete, so they appear once all of it is shown.
    this.requestUpdate();
  }

  private get body(): HTMLElement | null {
    return this.renderRoot.querySelector('.markdown');
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.toggleAttribute('role-user', this.message.role === 'user');
    const body = this.body;
    if (body && !this.stream && this.rendered !== this.message.content) {
      this.rendered = this.message.content;
      void renderFull(body, this.message.content).then(() => linkCitations(body, this.message.sources));
    }
  }

  private async copy(text: string): Promise<void> {
    this.copied = await copyText(text);
    setTimeout(() => (this.copied = false), 1500);
  }

  private emit(name: string, detail: unknown = this.message.id): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private saveEdit(): void {
    const text = this.renderRoot.querySelector('textarea')?.value.trim() ?? '';
    if (!text) return;
    this.editing = false;
    this.emit('edit-resend', { id: this.message.id, content: text });
  }

  override render() {
    const message = this.message;
    const user = message.role === 'user';
    return html`<article aria-label=${user ? 'Your message' : 'Answer'}>
      <div class="who">${user ? 'You' : 'Assistant'}</div>
      ${
        user
          ? this.editing
            ? html`<label class="sr-only" for="edit">Edit your message</label>
                <textarea
                  id="edit"
                  .value=${message.content}
                  @keydown=${(e: KeyboardEvent) => {
                    if (e.key === 'Enter' && !e.shiftKey) {
                      e.preventDefault();
                      this.saveEdit();
                    }
                  }}
                ></textarea>
                <div class="actions">
                  <button class="primary" @click=${this.saveEdit}>Send edited message</button>
                  <button @click=${() => (this.editing = false)}>Cancel</button>
                </div>`
            : html`<div class="text">${message.content}</div>`
          : html`<div class="markdown" @click=${handleAnswerClick}></div>
              ${renderSources(message.sources)}`
      }
      ${this.renderState()} ${message.stats && !this.stream ? renderStats(message.stats) : nothing}
      ${this.renderActions()}
    </article>`;
  }

  private renderState() {
    const phase = this.phase;
    const message = this.message;
    if (phase?.kind === 'loading') {
      const p = phase.progress;
      const known = p && p.total > 0;
      return html`<div class="state" data-state="loading">
        <span
          >Loading the model${known ? ` (${formatBytes(p.loaded)} of ${formatBytes(p.total)})` : ''}<span
            class="dots"
          ></span
        ></span>
        <progress
          aria-label="Model loading"
          max=${known ? p.total : nothing}
          value=${known ? p.loaded : nothing}
        ></progress>
      </div>`;
    }
    if (phase?.kind === 'waiting')
      return html`<div class="state" data-state="waiting">Thinking<span class="dots"></span></div>`;
    if (phase?.kind === 'writing')
      return html`<div class="state" data-state="writing">Writing<span class="dots"></span></div>`;
    if (message.finish === 'abort') return html`<div class="state" data-state="stopped">Stopped.</div>`;
    if (message.finish === 'length')
      return html`<div class="state" data-state="length">
        The answer reached its length limit (raise “Max answer tokens” in Settings).
      </div>`;
    if (message.finish === 'error')
      return html`<p class="error" role="alert" data-state="error">
        ${message.error ?? 'The answer failed.'}
      </p>`;
    return nothing;
  }

  private renderActions() {
    if (this.phase || this.editing) return nothing;
    const message = this.message;
    return html`<div class="actions">
      ${
        message.content
          ? html`<button data-action="copy" @click=${() => this.copy(message.content)}>
              ${this.copied ? 'Copied' : 'Copy'}
            </button>`
          : nothing
      }
      ${
        message.role === 'user'
          ? html`<button data-action="edit" ?disabled=${this.busy} @click=${() => (this.editing = true)}>
              Edit
            </button>`
          : nothing
      }
      ${
        this.canRegenerate
          ? html`<button
              data-action="regenerate"
              ?disabled=${this.busy}
              @click=${() => this.emit('regenerate')}
            >
              ${message.finish === 'error' ? 'Try again' : 'Regenerate'}
            </button>`
          : nothing
      }
    </div>`;
  }
}

function renderStats(stats: AnswerStats) {
  return html`<ul class="stats" aria-label="Answer details" data-testid="answer-stats">
    <li data-stat="model">${stats.model}</li>
    <li data-stat="adapter">adapter: ${stats.adapter ?? 'none'}</li>
    <li data-stat="device">${stats.device === 'webgpu' ? 'WebGPU' : 'WASM'}</li>
    <li data-stat="ttft">first token ${Math.round(stats.ttftMs)} ms</li>
    <li data-stat="speed">${stats.decodeTokS.toFixed(1)} tokens/s</li>
    <li data-stat="tokens">${stats.completionTokens} tokens</li>
    <li data-stat="cached">${stats.cachedPromptTokens} of ${stats.promptTokens} prompt tokens cached</li>
  </ul>`;
}

customElements.define('hearth-chat-message', ChatMessageElement);
