import { css, html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { pencil, plus, trash } from '../shell/icons.ts';
import { controls } from '../shell/shared-styles.ts';
import { matches, type Conversation } from './conversation.ts';

/**
 * The conversation list: search, new, and per chat open, rename and delete (deleting asks once).
 * It only reports what the person chose (events); the chat view owns the data.
 */
export class ConversationList extends LitElement {
  static override properties = {
    conversations: { attribute: false },
    selected: {},
    query: { state: true },
    renaming: { state: true },
    confirming: { state: true },
  };
  declare conversations: Conversation[];
  declare selected: string | undefined;
  declare private query: string;
  declare private renaming: string | null;
  declare private confirming: string | null;

  constructor() {
    super();
    this.conversations = [];
    this.query = '';
    this.renaming = null;
    this.confirming = null;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 0.6rem;
        min-height: 0;
      }
      .new {
        display: flex;
        align-items: center;
        justify-content: center;
        gap: 0.35rem;
        width: 100%;
      }
      input[type='search'] {
        width: 100%;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        overflow-y: auto;
        display: flex;
        flex-direction: column;
        gap: 0.15rem;
      }
      li {
        display: flex;
        align-items: center;
        gap: 0.15rem;
        border-radius: 8px;
      }
      li[aria-current='true'] {
        background: var(--surface-2);
      }
      .open {
        flex: 1;
        min-width: 0;
        text-align: start;
        background: transparent;
        border-color: transparent;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      li[aria-current='true'] .open {
        font-weight: 600;
      }
      li .quiet {
        display: inline-flex;
        align-items: center;
        color: var(--muted);
      }
      li .quiet.danger {
        color: var(--danger);
      }
      .small {
        font-size: 0.8rem;
        padding: 0.2rem 0.45rem;
        min-height: 2rem;
      }
      .confirm,
      .rename {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        align-items: center;
        padding: 0.3rem;
        width: 100%;
      }
      .rename input {
        flex: 1;
        min-width: 8rem;
      }
      .empty {
        font-size: 0.9rem;
        padding: 0.25rem;
      }
    `,
  ];

  /** Puts the cursor in the search box (the Ctrl+K shortcut). */
  async focusSearch(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  }

  private emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private async startRename(id: string): Promise<void> {
    this.renaming = id;
    await this.updateComplete;
    const input = this.renderRoot.querySelector<HTMLInputElement>('.rename input');
    input?.focus();
    input?.select();
  }

  private finishRename(id: string): void {
    const title = this.renderRoot.querySelector<HTMLInputElement>('.rename input')?.value.trim();
    this.renaming = null;
    if (title) this.emit('rename-conversation', { id, title });
  }

  override render() {
    const shown = this.conversations.filter((c) => matches(c, this.query));
    return html`
      <button class="new primary" data-action="new-chat" @click=${() => this.emit('new-conversation')}>
        ${plus} New chat
      </button>
      <label class="sr-only" for="search">Search chats</label>
      <input
        id="search"
        type="search"
        placeholder="Search chats"
        .value=${this.query}
        @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
      />
      <ul aria-label="Chats">
        ${
          // Keyed by id: a rename or a new answer re-sorts the list, and an item's buttons must stay with their
          // chat (unkeyed, a Delete pressed as the list re-sorts would land on the chat that moved into its place).
          repeat(
            shown,
            (c) => c.id,
            (c) => this.renderItem(c),
          )
        }
      </ul>
      ${
        shown.length === 0
          ? html`<p class="empty muted">${this.query ? 'No chat matches your search.' : 'No chats yet.'}</p>`
          : nothing
      }
    `;
  }

  private renderItem(c: Conversation) {
    const current = c.id === this.selected;
    if (this.renaming === c.id)
      return html`<li>
        <div class="rename">
          <label class="sr-only" for="rename">New name for the chat</label>
          <input
            id="rename"
            .value=${c.title}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Enter') this.finishRename(c.id);
              if (e.key === 'Escape') {
                e.stopPropagation();
                this.renaming = null;
              }
            }}
          />
          <button class="small primary" @click=${() => this.finishRename(c.id)}>Save</button>
          <button class="small" @click=${() => (this.renaming = null)}>Cancel</button>
        </div>
      </li>`;
    if (this.confirming === c.id)
      return html`<li>
        <div class="confirm" role="group" aria-label=${`Delete ${c.title}?`}>
          <span>Delete “${c.title}”?</span>
          <button
            class="small danger"
            data-action="confirm-delete"
            @click=${() => {
              this.confirming = null;
              this.emit('delete-conversation', c.id);
            }}
          >
            Delete
          </button>
          <button class="small" @click=${() => (this.confirming = null)}>Keep</button>
        </div>
      </li>`;
    return html`<li aria-current=${current ? 'true' : 'false'}>
      <button
        class="open"
        title=${c.title}
        aria-current=${current ? 'page' : nothing}
        @click=${() => this.emit('open-conversation', c.id)}
      >
        ${c.title}
      </button>
      <button
        class="small quiet"
        data-action="rename"
        aria-label=${`Rename ${c.title}`}
        title="Rename"
        @click=${() => this.startRename(c.id)}
      >
        ${pencil}
      </button>
      <button
        class="small quiet danger"
        data-action="delete"
        aria-label=${`Delete ${c.title}`}
        title="Delete"
        @click=${() => (this.confirming = c.id)}
      >
        ${trash}
      </button>
    </li>`;
  }
}

customElements.define('hearth-conversation-list', ConversationList);
