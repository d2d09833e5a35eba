import { css, html, LitElement, nothing } from 'lit';
import { z } from 'zod';
import { controls, dialogStyles } from '../../shell/shared-styles.ts';
import { DEFAULT_MESSAGE, MAX_MESSAGE, MIN_MESSAGE } from './a2a-access.ts';
import type { RemoteKind, RemoteSource } from './remote-source.ts';

const httpUrl = z
  .string()
  .trim()
  .url('enter the address, e.g. https://agent.example.com')
  .refine((url) => /^https?:\/\//i.test(url), 'the address must start with http:// or https://');

const token = z
  .string()
  .trim()
  .max(8_192)
  .transform((t) => t || undefined);

export const addA2AFormSchema = z.object({
  kind: z.literal('a2a'),
  url: httpUrl,
  token,
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

export const addMcpFormSchema = z
  .object({
    kind: z.literal('mcp'),
    url: httpUrl,
    id: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,24}$/, "use 1–24 letters, digits, '_' or '-' (it starts each tool's name)"),
    signIn: z.enum(['none', 'token', 'oauth']),
    token,
    askFirst: z.boolean(),
  })
  .refine((form) => form.signIn !== 'token' || form.token, {
    path: ['token'],
    message: 'paste the token, or choose another way to sign in',
  });

export type AddA2AForm = z.output<typeof addA2AFormSchema>;
export type AddMcpForm = z.output<typeof addMcpFormSchema>;
export type AddForm = AddA2AForm | AddMcpForm;

export interface TokenChange {
  source: RemoteSource;
  token: string | null;
}

const fieldNames: Record<string, string> = {
  url: 'Address',
  id: 'Short name',
  token: 'Token',
  maxMessage: 'Longest message',
  allowedOrigins: 'Other origins',
};

/** A short name for a server's tools, from its address: `mcp.example.com/notes` → `notes`. */
export function suggestedId(url: string): string {
  try {
    const { hostname, pathname } = new URL(url);
    const parts = [...pathname.split('/'), ...hostname.split('.')].filter(
      (p) => p && !/^(mcp|sse|www|api|com|org|net|io|localhost|\d+)$/i.test(p),
    );
    return (parts[0] ?? 'server').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 24);
  } catch {
    return '';
  }
}

/**
 * Adding a remote source (an MCP server or an A2A agent), and changing the token one is sent, in one
 * modal dialog. Fires `add` with the checked form, or `token` with the new token (null forgets it).
 * Nothing here talks to the network: the panel does, and shows the outcome.
 */
export class RemoteDialog extends LitElement {
  static override properties = {
    mode: { state: true },
    kind: { state: true },
    signIn: { state: true },
    source: { state: true },
    problem: { state: true },
  };
  declare private mode: 'add' | 'token';
  declare private kind: RemoteKind;
  declare private signIn: 'none' | 'token' | 'oauth';
  declare private source: RemoteSource | null;
  declare private problem: string;

  constructor() {
    super();
    this.mode = 'add';
    this.kind = 'mcp';
    this.signIn = 'none';
    this.source = null;
    this.problem = '';
  }

  static override styles = [
    controls,
    dialogStyles,
    css`
      dialog {
        --dialog-width: 32rem;
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
      fieldset {
        border: 1px solid var(--border);
        border-radius: 8px;
        margin: 0;
        padding: 0.4rem 0.6rem 0.5rem;
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
      }
      legend {
        font-weight: 600;
        font-size: 0.9rem;
        padding: 0 0.25rem;
      }
      .check,
      fieldset label {
        display: flex;
        gap: 0.45rem;
        align-items: center;
        font-weight: 400;
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
    this.signIn = 'none';
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
    const field = (name: string) => String(form.get(name) ?? '');
    const parsed =
      this.kind === 'a2a'
        ? addA2AFormSchema.safeParse({
            kind: 'a2a',
            url: field('url'),
            token: field('token'),
            askFirst: form.get('askFirst') === 'on',
            maxMessage: field('maxMessage'),
            allowedOrigins: field('allowedOrigins'),
          })
        : addMcpFormSchema.safeParse({
            kind: 'mcp',
            url: field('url'),
            id: field('id') || suggestedId(field('url')),
            signIn: this.signIn,
            token: field('token'),
            askFirst: form.get('askFirst') === 'on',
          });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.problem = `${fieldNames[String(issue?.path[0])] ?? 'The form'}: ${issue?.message ?? 'not valid'}.`;
      return;
    }
    this.emit('add', parsed.data);
    this.close();
  }

  private submitToken(event: Event): void {
    event.preventDefault();
    const value = String(new FormData(event.target as HTMLFormElement).get('token') ?? '').trim();
    if (!value) {
      this.problem = 'Token: paste the token, or choose “Forget the token”.';
      return;
    }
    this.emit('token', { source: this.source, token: value });
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
    const mcp = this.kind === 'mcp';
    return html`<form @submit=${this.submitAdd} novalidate>
      <h2 id="remote-dialog-title">Add remote tools</h2>
      <fieldset>
        <legend>What is it?</legend>
        <label
          ><input type="radio" name="kind" value="mcp" .checked=${mcp} @change=${() => (this.kind = 'mcp')} />
          An MCP server</label
        >
        <label
          ><input
            type="radio"
            name="kind"
            value="a2a"
            .checked=${!mcp}
            @change=${() => (this.kind = 'a2a')}
          />
          An A2A agent</label
        >
      </fieldset>
      <p class="hint">
        ${
          mcp
            ? 'Its tools become tools your agents can call (Streamable HTTP, or SSE for older servers).'
            : html`Another agent becomes a tool your agents can call. Hearth reads its card from
                <code>/.well-known/agent-card.json</code> at this address.`
        }
      </p>
      <label
        >Address
        <input
          name="url"
          type="url"
          required
          autocomplete="url"
          placeholder=${mcp ? 'https://tools.example.com/mcp' : 'https://agent.example.com'}
        />
      </label>
      ${mcp ? this.renderMcpFields() : this.renderA2AFields()} ${this.renderProblem()}
      <div class="actions">
        <button type="button" @click=${() => this.close()}>Cancel</button>
        <button type="submit" class="primary" data-action="confirm-add-remote">Add</button>
      </div>
    </form>`;
  }

  private renderMcpFields() {
    return html`<label
        >Short name (starts each of its tools’ names; from the address if left empty)
        <input name="id" type="text" autocomplete="off" maxlength="24" placeholder="notes" />
      </label>
      <fieldset>
        <legend>Sign-in</legend>
        ${(['none', 'token', 'oauth'] as const).map(
          (way) =>
            html`<label
              ><input
                type="radio"
                name="signIn"
                value=${way}
                .checked=${this.signIn === way}
                @change=${() => (this.signIn = way)}
              />
              ${{ none: 'None', token: 'A token', oauth: 'Sign in (OAuth)' }[way]}</label
            >`,
        )}
      </fieldset>
      ${
        this.signIn === 'token'
          ? html`<label
              >Token
              <input name="token" type="password" autocomplete="off" />
              <span class="hint"
                >Sent as <code>Authorization: Bearer …</code>; kept on this device only.</span
              >
            </label>`
          : this.signIn === 'oauth'
            ? html`<p class="hint">
                After adding, “Sign in” takes you to the server’s sign-in page and back here; the tokens are
                kept on this device.
              </p>`
            : nothing
      }
      <label class="check"
        ><input name="askFirst" type="checkbox" /> Ask me before every call (otherwise: before those the
        server does not mark read-only)</label
      >`;
  }

  private renderA2AFields() {
    return html`<label
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
      </label>`;
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
