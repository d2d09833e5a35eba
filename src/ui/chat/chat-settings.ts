import { css, html, LitElement } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
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
          ${numberField('temperature', 'Temperature', { step: '0.05', min: '0', max: '2' }, String(s?.temperature ?? 0.7))}
          ${numberField('top_p', 'Top-p', { step: '0.01', min: '0.01', max: '1' }, String(s?.top_p ?? 0.95))}
          ${numberField('max_tokens', 'Max answer tokens', { step: '1', min: '1', max: '32768' }, String(s?.max_tokens ?? 256))}
          ${numberField('seed', 'Seed', { step: '1', placeholder: 'random' }, s?.seed === undefined ? '' : String(s.seed))}
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

/** A labelled number input named (and identified) by its sampling field. */
function numberField(
  name: string,
  label: string,
  limits: { step: string; min?: string; max?: string; placeholder?: string },
  value: string,
) {
  return html`<div>
    <label for=${name}>${label}</label>
    <input
      id=${name}
      name=${name}
      type="number"
      step=${limits.step}
      min=${ifDefined(limits.min)}
      max=${ifDefined(limits.max)}
      placeholder=${ifDefined(limits.placeholder)}
      .value=${value}
    />
  </div>`;
}

customElements.define('hearth-chat-settings', ChatSettings);
