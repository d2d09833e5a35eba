import { css, html, LitElement } from 'lit';
import { controls, dialogStyles } from '../shell/shared-styles.ts';
import { samplingSchema, type Conversation, type Sampling } from './conversation.ts';

export interface SettingsChange {
  systemPrompt: string;
  sampling: Sampling;
}

/** The system prompt and sampling settings of one conversation, in a modal dialog. */
export class ChatSettings extends LitElement {
  static override properties = { conversation: { attribute: false }, problem: { state: true } };
  declare conversation: Conversation | undefined;
  declare private problem: string;

  constructor() {
    super();
    this.problem = '';
  }

  static override styles = [
    controls,
    dialogStyles,
    css`
      label {
        display: block;
        font-weight: 600;
        font-size: 0.9rem;
        margin: 0.6rem 0 0.25rem;
      }
      .hint {
        font-size: 0.8rem;
        margin: 0.15rem 0 0;
      }
      textarea {
        width: 100%;
        min-height: 6rem;
        resize: vertical;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(8.5rem, 1fr));
        gap: 0 0.75rem;
      }
      .grid input {
        width: 100%;
      }
      .actions {
        margin-top: 1rem;
      }
      .problem {
        color: var(--danger);
        margin: 0.5rem 0 0;
      }
    `,
  ];

  async show(): Promise<void> {
    this.problem = '';
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')!.showModal();
  }

  private close(): void {
    this.renderRoot.querySelector('dialog')!.close();
  }

  private save(event: Event): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const seed = String(form.get('seed') ?? '').trim();
    const parsed = samplingSchema.safeParse({
      temperature: Number(form.get('temperature')),
      top_p: Number(form.get('top_p')),
      max_tokens: Number(form.get('max_tokens')),
      seed: seed ? Number(seed) : undefined,
    });
    if (!parsed.success) {
      this.problem =
        'Check the numbers: temperature 0–2, top-p above 0 up to 1, max answer tokens 1–32768, seed a whole number.';
      return;
    }
    const change: SettingsChange = { systemPrompt: String(form.get('system') ?? ''), sampling: parsed.data };
    this.dispatchEvent(new CustomEvent('save-settings', { detail: change, bubbles: true, composed: true }));
    this.close();
  }

  override render() {
    const c = this.conversation;
    const s = c?.sampling;
    return html`<dialog aria-labelledby="settings-title">
      <form @submit=${this.save}>
        <h2 id="settings-title">Chat settings</h2>
        <label for="system">System prompt</label>
        <textarea
          id="system"
          name="system"
          .value=${c?.systemPrompt ?? ''}
          placeholder="For example: Answer briefly, in plain English."
        ></textarea>
        <div class="grid">
          <div>
            <label for="temperature">Temperature</label>
            <input
              id="temperature"
              name="temperature"
              type="number"
              step="0.05"
              min="0"
              max="2"
              .value=${String(s?.temperature ?? 0.7)}
            />
          </div>
          <div>
            <label for="top_p">Top-p</label>
            <input
              id="top_p"
              name="top_p"
              type="number"
              step="0.01"
              min="0.01"
              max="1"
              .value=${String(s?.top_p ?? 0.95)}
            />
          </div>
          <div>
            <label for="max_tokens">Max answer tokens</label>
            <input
              id="max_tokens"
              name="max_tokens"
              type="number"
              step="1"
              min="1"
              max="32768"
              .value=${String(s?.max_tokens ?? 256)}
            />
          </div>
          <div>
            <label for="seed">Seed</label>
            <input
              id="seed"
              name="seed"
              type="number"
              step="1"
              placeholder="random"
              .value=${s?.seed === undefined ? '' : String(s.seed)}
            />
          </div>
        </div>
        <p class="hint muted">
          Temperature 0 always picks the likeliest token; a seed makes sampled answers repeatable.
        </p>
        ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : ''}
        <div class="actions">
          <button type="button" @click=${this.close}>Cancel</button>
          <button type="submit" class="primary">Save</button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('hearth-chat-settings', ChatSettings);
