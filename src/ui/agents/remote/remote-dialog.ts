import { css, html, LitElement, nothing } from 'lit';
import { z } from 'zod';
import { controls, dialogStyles } from '../../shell/shared-styles.ts';
import { DEFAULT_MESSAGE, MAX_MESSAGE, MIN_MESSAGE } from './a2a-access.ts';
import type { RemoteSource } from './remote-source.ts';

const httpUrl = z
  .string()
  .trim()
  .url('enter the address, e.g. https://agent.example.com')
  .refine((url) => /^https?:\/\//i.test(url), 'the address must start with http:// or https://');

export const addA2AFormSchema = z.object({
  url: httpUrl,
  token: z
    .string()
    .trim()
    .max(8_192)
    .transform((t) => t || undefined),
  askFirst: z.boolean(),
  maxMessage: z.coerce
    .number()
    .int('write a whole number')
    .min(MIN_MESSAGE, `at least ${MIN_MESSAGE}`)
    .max(MAX_MESSAGE, `at most ${MAX_MESSAGE}`),
  allowedOrigins: z
    .string()
    .trim()
    .transform((text) => text.split(/[\s,]+/).filter(Boolean))
    .pipe(z.array(httpUrl.transform((url) => new URL(url).origin))),
});
export type AddA2AForm = z.output<typeof addA2AFormSchema>;

export interface TokenChange {
  source: RemoteSource;
  token: string | null;
}

/**
 * Adding a remote source, and changing the token one is sent, in one modal dialog. Fires `add-a2a`
 * with the checked form, or `token` with the new token (null forgets it). Nothing here talks to the
 * network: the panel does, and shows the outcome.
 */
export class RemoteDialog extends LitElement {
  static override properties = {
    mode: { state: true },
    source: { state: true },
    problem: { state: true },
  };
  declare private mode: 'add' | 'token';
  declare private source: RemoteSource | null;
  declare private problem: string;

  constructor() {
    super();
    this.mode = 'add';
    this.source = null;
    this.problem = '';
  }

  static override styles = [
    controls,
    dialogStyles,
    css`
      dialog {
        --dialog-width: 30rem;
        overflow-wrap: anywhere;
      }
      form {
        display: grid;
        gap: 0.7rem;
      }
      label {
        display: grid;
        gap: 0.2rem;
        font-weight: 600;
        font-size: 0.9rem;
      }
      label input[type='url'],
      label input[type='password'],
      label input[type='text'],
      label input[type='number'] {
        width: 100%;
        font-weight: 400;
      }
      .check {
        display: flex;
        gap: 0.5rem;
        align-items: flex-start;
        font-weight: 400;
      }
      .check input {
        margin-top: 0.2rem;
      }
      .hint {
        font-weight: 400;
        font-size: 0.85rem;
        color: var(--muted);
        margin: 0;
      }
      .problem {
        color: var(--danger);
        margin: 0;
      }
      p {
        margin: 0;
        line-height: 1.5;
      }
      .actions {
        flex-wrap: wrap;
      }
    `,
  ];

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  async showAdd(): Promise<void> {
    this.mode = 'add';
    this.source = null;
    this.problem = '';
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    this.dialog?.showModal();
  }

  async showToken(source: RemoteSource): Promise<void> {
    this.mode = 'token';
    this.source = source;
    this.problem = '';
    await this.updateComplete;
    this.renderRoot.querySelector('form')?.reset();
    this.dialog?.showModal();
  }

  close(): void {
    this.dialog?.close();
  }

  private emit(name: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private submitAdd(event: Event): void {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const parsed = addA2AFormSchema.safeParse({
      url: String(form.get('url') ?? ''),
      token: String(form.get('token') ?? ''),
      askFirst: form.get('askFirst') === 'on',
      maxMessage: String(form.get('maxMessage') ?? ''),
      allowedOrigins: String(form.get('allowedOrigins') ?? ''),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = {
        url: 'Address',
        token: 'Token',
        maxMessage: 'Longest message',
        allowedOrigins: 'Other origins',
      }[String(issue?.path[0])];
      this.problem = `${field ?? 'The form'}: ${issue?.message ?? 'not valid'}.`;
      return;
    }
    this.emit('add-a2a', parsed.data);
    this.close();
  }

  private submitToken(event: Event): void {
    event.preventDefault();
    const token = String(new FormData(event.target as HTMLFormElement).get('token') ?? '').trim();
    if (!token) {
      this.problem = 'Token: paste the token, or choose “Forget the token”.';
      return;
    }
    this.emit('token', { source: this.source, token });
    this.close();
  }

  override render() {
    return html`<dialog aria-labelledby="remote-dialog-title" @close=${() => (this.problem = '')}>
      ${this.mode === 'add' ? this.renderAdd() : this.renderToken()}
    </dialog>`;
  }

  private renderProblem() {
    return this.problem
      ? html`<p class="problem" role="alert" data-testid="remote-dialog-problem">${this.problem}</p>`
      : nothing;
  }

  private renderAdd() {
    return html`<form @submit=${this.submitAdd} novalidate>
      <h2 id="remote-dialog-title">Add an A2A agent</h2>
      <p class="hint">
        Another agent that speaks A2A becomes a tool your agents can call. Hearth reads its card from
        <code>/.well-known/agent-card.json</code> at this address.
      </p>
      <label
        >Address
        <input name="url" type="url" required autocomplete="url" placeholder="https://agent.example.com" />
      </label>
      <label
        >Token (if the agent asks for one)
        <input name="token" type="password" autocomplete="off" />
        <span class="hint">Sent as <code>Authorization: Bearer …</code>; kept on this device only.</span>
      </label>
      <label class="check"
        ><input name="askFirst" type="checkbox" /> Ask me before each message is sent to it</label
      >
      <label
        >Longest message a model may send it (characters)
        <input
          name="maxMessage"
          type="number"
          inputmode="numeric"
          min=${MIN_MESSAGE}
          max=${MAX_MESSAGE}
          value=${DEFAULT_MESSAGE}
          required
        />
        <span class="hint">A small model on this device writes within this bound; its context is short.</span>
      </label>
      <label
        >Other origins its card may send requests to (optional)
        <input name="allowedOrigins" type="text" autocomplete="off" placeholder="https://api.example.com" />
        <span class="hint">Only if you trust them: a card pointing elsewhere is refused otherwise.</span>
      </label>
      ${this.renderProblem()}
      <div class="actions">
        <button type="button" @click=${() => this.close()}>Cancel</button>
        <button type="submit" class="primary" data-action="confirm-add-remote">Add</button>
      </div>
    </form>`;
  }

  private renderToken() {
    const source = this.source;
    return html`<form @submit=${this.submitToken} novalidate>
      <h2 id="remote-dialog-title">Token for ${source?.name ?? ''}</h2>
      <p class="hint">
        Sent as <code>Authorization: Bearer …</code> with every request to ${source?.url ?? ''}; kept on this
        device only.
      </p>
      <label
        >Token
        <input name="token" type="password" autocomplete="off" required />
      </label>
      ${this.renderProblem()}
      <div class="actions">
        <button type="button" @click=${() => this.close()}>Cancel</button>
        ${
          source?.signedIn
            ? html`<button
                type="button"
                class="danger"
                data-action="forget-token"
                @click=${() => {
                  this.emit('token', { source, token: null });
                  this.close();
                }}
              >
                Forget the token
              </button>`
            : nothing
        }
        <button type="submit" class="primary" data-action="save-token">Save and check</button>
      </div>
    </form>`;
  }
}

customElements.define('hearth-remote-dialog', RemoteDialog);
