import { css, html, LitElement, nothing } from 'lit';
import { toHearthError } from '../../../core/errors.ts';
import { blockHost, controls } from '../../shell/shared-styles.ts';
import './remote-dialog.ts';
import type { AddForm, RemoteDialog, TokenChange } from './remote-dialog.ts';
import type { RemoteSource, RemoteState } from './remote-source.ts';
import type { RemoteTools } from './remote-tools.ts';

const stateWords: Record<RemoteState, string> = {
  unchecked: 'Not checked yet',
  connecting: 'Connecting…',
  reconnecting: 'Lost: trying again…',
  ready: 'Connected',
  'needs-sign-in': 'Needs sign-in',
  failed: 'Cannot connect',
};

const kindWords = { mcp: 'MCP server', a2a: 'A2A agent' } as const;

const clip = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);

/** Asking a remote source longer than this is given up (the source is then shown as failed). */
const CHECK_TIMEOUT_MS = 20_000;

/** A heading and a list of named things, each with its description; nothing when there are none. */
function renderNamedItems(
  heading: string,
  testId: string,
  items: ReadonlyArray<{ name: string; description?: string | undefined }>,
) {
  if (!items.length) return nothing;
  return html`<h4>${heading}</h4>
    <ul class="items" data-testid=${testId}>
      ${items.map(
        (item) =>
          html`<li><strong>${item.name}</strong>${item.description ? `: ${item.description}` : ''}</li>`,
      )}
    </ul>`;
}

/**
 * Remote tools: the MCP servers and A2A agents the person added (kept in IndexedDB), each with its
 * address, sign-in, connection state, tools and skills; adding, checking, signing in and removing;
 * and giving a tool to an agent of the pipeline being edited (`use-tool` with `{ tool, agent }`).
 * Everything a remote source says about itself is shown as text.
 */
export class RemotePanel extends LitElement {
  static override properties = {
    remote: { attribute: false },
    agentNames: { attribute: false },
    sources: { state: true },
    busy: { state: true },
    problem: { state: true },
    chosen: { state: true },
  };
  declare remote: RemoteTools | null;
  /** The agents of the pipeline in the editor (empty while it does not check out). */
  declare agentNames: string[];
  declare private sources: RemoteSource[];
  declare private busy: Set<string>;
  declare private problem: string;
  /** Per source, the agent chosen to give its tools to. */
  declare private chosen: Record<string, string>;

  constructor() {
    super();
    this.remote = null;
    this.agentNames = [];
    this.sources = [];
    this.busy = new Set();
    this.problem = '';
    this.chosen = {};
  }

  static override styles = [
    controls,
    blockHost,
    css`
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem 0.6rem;
        align-items: center;
      }
      .row h3 {
        margin: 0;
        flex: 1 1 auto;
      }
      p {
        margin: 0.25rem 0;
        line-height: 1.5;
      }
      ul.sources {
        list-style: none;
        margin: 0.5rem 0 0;
        padding: 0;
        display: grid;
        gap: 0.6rem;
      }
      ul.sources > li {
        border: 1px solid var(--border);
        border-radius: 8px;
        padding: 0.6rem;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .name {
        font-weight: 600;
      }
      .badge {
        font-size: 0.8rem;
        border: 1px solid var(--border-strong);
        border-radius: 999px;
        padding: 0.05rem 0.5rem;
      }
      .state {
        font-size: 0.85rem;
        font-weight: 600;
      }
      .state[data-state='ready'] {
        color: var(--hl-string);
      }
      .state[data-state='failed'],
      .state[data-state='needs-sign-in'] {
        color: var(--danger);
      }
      .url {
        font-size: 0.85rem;
      }
      .problem {
        color: var(--danger);
        font-size: 0.9rem;
      }
      h4 {
        margin: 0.5rem 0 0.2rem;
        font-size: 0.9rem;
      }
      ul.items {
        margin: 0;
        padding-inline-start: 1.1rem;
        font-size: 0.9rem;
        line-height: 1.45;
      }
      .give {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35rem 0.5rem;
        align-items: center;
        margin-bottom: 0.35rem;
        font-size: 0.9rem;
      }
      .give select {
        flex: 0 1 12rem;
        min-width: 0;
      }
      ul.tools {
        list-style: none;
        padding: 0;
      }
      .tool {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
        border-top: 1px solid var(--border);
        padding: 0.2rem 0;
      }
      .tool span {
        min-width: 0;
      }
      button.small {
        min-height: 2rem;
        padding: 0.2rem 0.6rem;
        flex: none;
      }
      .actions {
        margin-top: 0.5rem;
      }
      code {
        font-size: 0.85em;
      }
    `,
  ];

  private listening: RemoteTools | null = null;
  private readonly onChange = () => (this.sources = this.remote?.sources ?? []);

  override disconnectedCallback(): void {
    this.listening?.events.removeEventListener('change', this.onChange);
    this.listening = null;
    super.disconnectedCallback();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('remote') && this.remote !== this.listening) {
      this.listening?.events.removeEventListener('change', this.onChange);
      this.listening = this.remote;
      this.remote?.events.addEventListener('change', this.onChange);
      this.onChange();
    }
  }

  private get dialog(): RemoteDialog | null {
    return this.renderRoot.querySelector('hearth-remote-dialog');
  }

  /** Lists the sources again and re-registers their tools with the agents (`change` brings the list). */
  async reload(): Promise<void> {
    if (!this.remote) return;
    try {
      await this.remote.refresh();
    } catch (error) {
      this.problem = `The list of remote tools could not be read: ${toHearthError(error).message}`;
    }
  }

  private async work(id: string, task: () => Promise<unknown>): Promise<void> {
    this.busy = new Set([...this.busy, id]);
    this.problem = '';
    try {
      await task();
    } catch (error) {
      this.problem = toHearthError(error).message;
    } finally {
      this.busy = new Set([...this.busy].filter((b) => b !== id));
      await this.reload();
    }
  }

  private check(source: RemoteSource): Promise<void> {
    return this.work(source.id, () =>
      this.remote!.provider(source.kind).check(source.id, AbortSignal.timeout(CHECK_TIMEOUT_MS)),
    );
  }

  private add(form: AddForm): Promise<void> {
    const remote = this.remote!;
    return this.work(form.url, async () => {
      if (form.kind === 'a2a') {
        await remote.a2a.add({
          url: form.url,
          askFirst: form.askFirst,
          maxMessage: form.maxMessage,
          allowedOrigins: form.allowedOrigins,
          ...(form.token ? { token: form.token } : {}),
        });
        return;
      }
      await remote.mcp.add({
        id: form.id,
        url: form.url,
        auth:
          form.signIn === 'token' && form.token
            ? { kind: 'bearer', token: form.token }
            : form.signIn === 'oauth'
              ? { kind: 'oauth' }
              : { kind: 'none' },
        approvals: form.askFirst ? 'always' : 'annotations',
      });
    });
  }

  private signOut(source: RemoteSource): Promise<void> {
    return this.work(source.id, () => this.remote!.provider(source.kind).signOut!(source.id));
  }

  private setToken({ source, token }: TokenChange): Promise<void> {
    return this.work(source.id, async () => {
      const provider = this.remote!.provider(source.kind);
      await provider.setToken(source.id, token);
      if (token) await provider.check(source.id, AbortSignal.timeout(CHECK_TIMEOUT_MS));
    });
  }

  private removeSource(source: RemoteSource): Promise<void> {
    return this.work(source.id, () => this.remote!.provider(source.kind).remove(source.id));
  }

  private setAskFirst(source: RemoteSource, askFirst: boolean): Promise<void> {
    return this.work(source.id, () => this.remote!.a2a.setAskFirst(source.id, askFirst));
  }

  private agentFor(sourceId: string): string | undefined {
    const chosen = this.chosen[sourceId];
    return chosen && this.agentNames.includes(chosen) ? chosen : this.agentNames[0];
  }

  private give(sourceId: string, tool: string): void {
    const agent = this.agentFor(sourceId);
    if (!agent) return;
    this.dispatchEvent(
      new CustomEvent('use-tool', { detail: { tool, agent }, bubbles: true, composed: true }),
    );
  }

  override render() {
    return html`
      <div class="row">
        <h3 id="remote-heading">Remote tools</h3>
        <button data-action="add-remote" @click=${() => this.dialog?.showAdd()} ?disabled=${!this.remote}>
          Add…
        </button>
      </div>
      <p class="muted">
        MCP servers and A2A agents, reached from this page: their tools join the list a pipeline may name.
        What they send back is shown as text and goes to the model as a tool result. A server must allow this
        page’s origin (CORS).
      </p>
      ${this.problem ? html`<p class="problem" role="alert">${this.problem}</p>` : nothing}
      ${
        this.sources.length === 0
          ? html`<p class="muted">None added yet.</p>`
          : html`<ul class="sources" aria-labelledby="remote-heading" data-testid="remote-sources">
              ${this.sources.map((source) => this.renderSource(source))}
            </ul>`
      }
      <hearth-remote-dialog
        @add=${(e: CustomEvent<AddForm>) => this.add(e.detail)}
        @token=${(e: CustomEvent<TokenChange>) => this.setToken(e.detail)}
      ></hearth-remote-dialog>
    `;
  }

  private renderSource(source: RemoteSource) {
    const busy = this.busy.has(source.id);
    const signIn =
      source.signIn === 'none'
        ? 'none'
        : source.signIn === 'token'
          ? source.signedIn
            ? 'a token is saved'
            : 'no token (add one if it asks)'
          : source.signedIn
            ? 'signed in (OAuth)'
            : 'not signed in (OAuth)';
    return html`<li data-source=${source.id} data-kind=${source.kind} data-state=${source.state}>
      <div class="row">
        <span class="name">${source.name}</span>
        <span class="badge">${kindWords[source.kind]}</span>
        <span class="state" data-state=${source.state} data-testid="remote-state" role="status"
          >${busy ? 'Checking…' : stateWords[source.state]}</span
        >
      </div>
      <p class="url muted">${source.url}</p>
      <p>Sign-in: ${signIn}</p>
      ${source.problem ? html`<p class="problem">${source.problem.message} (${source.problem.code})</p>` : nothing}
      ${source.leftOut.length ? html`<p class="problem">Left out: ${source.leftOut.join('; ')}</p>` : nothing}
      ${renderNamedItems('Skills', 'remote-skills', source.skills)}
      ${renderNamedItems('Prompts', 'remote-prompts', source.prompts)}
      ${renderNamedItems('Resources', 'remote-resources', source.resources)}
      ${
        source.tools.length
          ? html`<h4>Tools</h4>
              ${this.renderTools(source)}`
          : nothing
      }
      <div class="row actions">
        <button data-action="check-remote" ?disabled=${busy} @click=${() => this.check(source)}>
          Check now
        </button>
        ${
          source.signIn === 'oauth' && source.state === 'needs-sign-in'
            ? html`<button
                class="primary"
                data-action="sign-in"
                ?disabled=${busy}
                @click=${() => this.remote!.provider(source.kind).signIn!(source.id)}
              >
                Sign in
              </button>`
            : nothing
        }
        ${
          source.signIn === 'oauth' && source.signedIn
            ? html`<button data-action="sign-out" ?disabled=${busy} @click=${() => this.signOut(source)}>
                Sign out
              </button>`
            : nothing
        }
        ${
          source.signIn !== 'oauth'
            ? html`<button
                data-action="token"
                ?disabled=${busy}
                @click=${() => this.dialog?.showToken(source)}
              >
                ${source.signedIn ? 'Change token…' : 'Add a token…'}
              </button>`
            : nothing
        }
        ${
          source.kind === 'a2a' && source.tools[0]
            ? html`<label class="row"
                ><input
                  type="checkbox"
                  data-action="ask-first"
                  .checked=${source.tools[0].asksFirst}
                  ?disabled=${busy}
                  @change=${(e: Event) => this.setAskFirst(source, (e.target as HTMLInputElement).checked)}
                />
                Ask me first</label
              >`
            : nothing
        }
        <button
          class="danger"
          data-action="remove-remote"
          ?disabled=${busy}
          @click=${() => this.removeSource(source)}
        >
          Remove
        </button>
      </div>
    </li>`;
  }

  /** One "give to" choice per source, then a Give button per tool. */
  private renderTools(source: RemoteSource) {
    const agents = this.agentNames;
    const selectId = `give-to-${source.kind}-${source.id}`;
    const agent = this.agentFor(source.id);
    return html`<div class="give">
        <label for=${selectId}>Give to the agent</label>
        <select
          id=${selectId}
          data-testid="give-to"
          ?disabled=${agents.length === 0}
          @change=${(e: Event) =>
            (this.chosen = { ...this.chosen, [source.id]: (e.target as HTMLSelectElement).value })}
        >
          ${agents.map((a) => html`<option value=${a} ?selected=${agent === a}>${a}</option>`)}
        </select>
        ${agents.length === 0 ? html`<span class="muted">(once the pipeline checks out)</span>` : nothing}
      </div>
      <ul class="items tools" data-testid="remote-tools">
        ${source.tools.map(
          (tool) =>
            html`<li class="tool" data-tool=${tool.name}>
              <span
                ><code>${tool.name}</code>${tool.asksFirst ? ' (asks you first)' : ''}${
                  tool.description ? ` — ${clip(tool.description, 240)}` : ''
                }</span
              >
              <button
                class="small"
                data-action="give-tool"
                aria-label=${`Give ${tool.name} to ${agent ?? 'an agent'}`}
                ?disabled=${!agent}
                @click=${() => this.give(source.id, tool.name)}
              >
                Give
              </button>
            </li>`,
        )}
      </ul>`;
  }
}

customElements.define('hearth-remote-panel', RemotePanel);
