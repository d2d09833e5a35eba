import { css, html, LitElement } from 'lit';
import { formatBytes } from '../../core/format-bytes.ts';
import { controls, dialogStyles } from '../shell/shared-styles.ts';

export interface ConsentRequest {
  /** The conversation's title, for the heading. */
  title: string;
  /** The fine-tuning server the file goes to. */
  server: string;
  model: string;
  /** The exact bytes uploaded: one line of chat JSONL. */
  line: string;
}

/**
 * Asks, before anything leaves the device, whether this conversation may be sent for training, and shows
 * exactly what would be sent: the JSONL line itself, its size, the server and the model. Nothing is sent
 * unless the box is ticked and Send pressed; `consent` then fires with the request.
 */
export class TrainingConsentDialog extends LitElement {
  static override properties = { request: { attribute: false }, agreed: { state: true } };
  declare request: ConsentRequest | null;
  declare private agreed: boolean;

  constructor() {
    super();
    this.request = null;
    this.agreed = false;
  }

  static override styles = [
    controls,
    dialogStyles,
    css`
      :host {
        --dialog-width: 40rem;
      }
      dialog h2 {
        margin-bottom: 0.5rem;
        overflow-wrap: anywhere;
      }
      p {
        margin: 0.4rem 0;
        line-height: 1.5;
        overflow-wrap: anywhere;
      }
      pre {
        background: var(--surface-2);
        border: 1px solid var(--border);
        border-radius: 8px;
        padding: 0.6rem;
        max-height: 40dvh;
        overflow: auto;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-size: 0.8rem;
        margin: 0.5rem 0;
      }
      .agree {
        display: flex;
        gap: 0.5rem;
        align-items: flex-start;
        margin: 0.75rem 0 0;
      }
      .agree input {
        margin-top: 0.2rem;
        width: 1.1rem;
        height: 1.1rem;
      }
      dialog .actions {
        flex-wrap: wrap;
        margin-top: 0.9rem;
      }
    `,
  ];

  async show(request: ConsentRequest): Promise<void> {
    this.request = request;
    this.agreed = false;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')!.showModal();
  }

  private close(): void {
    // Consent is given for one conversation: a dialog opened again starts unticked, even before it is shown.
    this.agreed = false;
    this.renderRoot.querySelector('dialog')!.close();
  }

  private send(event: Event): void {
    event.preventDefault();
    if (!this.agreed || !this.request) return;
    this.dispatchEvent(new CustomEvent('consent', { detail: this.request, bubbles: true, composed: true }));
    this.close();
  }

  override render() {
    const r = this.request;
    const bytes = r ? new TextEncoder().encode(`${r.line}\n`).length : 0;
    return html`<dialog aria-labelledby="consent-title" aria-describedby="consent-what">
      <form @submit=${this.send}>
        <h2 id="consent-title">Send “${r?.title ?? ''}” for training?</h2>
        <p id="consent-what">
          This uploads the conversation below, exactly as shown (${formatBytes(bytes)}, one line of chat
          JSONL), to <strong>${r?.server ?? ''}</strong>, and starts a job that trains an adapter for
          <strong>${r?.model ?? ''}</strong> from it. The server keeps the file; everyone with access to the
          project's adapters can use what is learnt from it. Nothing else is sent: no other chat, document or
          key.
        </p>
        <pre data-testid="consent-payload" tabindex="0" aria-label="What is sent">${r?.line ?? ''}</pre>
        <label class="agree">
          <input
            type="checkbox"
            name="agree"
            .checked=${this.agreed}
            @change=${(e: Event) => (this.agreed = (e.target as HTMLInputElement).checked)}
          />
          <span>I agree to send this conversation to this server for training.</span>
        </label>
        <div class="actions">
          <button type="button" @click=${() => this.close()}>Cancel</button>
          <button type="submit" class="primary" data-action="send-training" ?disabled=${!this.agreed}>
            Send for training
          </button>
        </div>
      </form>
    </dialog>`;
  }
}

customElements.define('hearth-training-consent', TrainingConsentDialog);
