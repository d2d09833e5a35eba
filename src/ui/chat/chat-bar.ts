import { html } from 'lit';
import { gear, menu } from '../shell/icons.ts';
import '../adapters/adapter-picker.ts';
import type { Conversation } from './conversation.ts';

export interface ChatBarProps {
  conversation: Conversation | undefined;
  /** Whether the list of chats is shown (on narrow screens it is a drawer). */
  listOpen: boolean;
  onToggleList(): void;
  onAdapter(name: string | null): void;
  onSettings(): void;
  onExport(kind: 'json' | 'md'): void;
  /** Opens the file picker (the `#import` input below). */
  onChooseImport(): void;
  onImport(event: Event): void;
}

/** The bar above the conversation: the chats toggle, its title, the adapter, settings, export and import. */
export function renderChatBar(props: ChatBarProps) {
  const { conversation } = props;
  return html`<div class="bar">
    <button
      class="quiet list-toggle"
      aria-label="Show chats"
      aria-expanded=${props.listOpen ? 'true' : 'false'}
      @click=${() => props.onToggleList()}
    >
      ${menu}
    </button>
    <h2>${conversation?.title ?? 'New chat'}</h2>
    <hearth-adapter-picker
      .value=${conversation?.adapter ?? null}
      @adapter-change=${(e: CustomEvent<string | null>) => props.onAdapter(e.detail)}
    ></hearth-adapter-picker>
    <button
      data-action="settings"
      @click=${() => props.onSettings()}
      aria-label="Chat settings"
      title="Chat settings"
    >
      ${gear}<span class="wide-only">Settings</span>
    </button>
    <details class="menu">
      <summary>Export / import</summary>
      <div class="items">
        <button data-action="export-json" ?disabled=${!conversation} @click=${() => props.onExport('json')}>
          Export as JSON
        </button>
        <button data-action="export-md" ?disabled=${!conversation} @click=${() => props.onExport('md')}>
          Export as Markdown
        </button>
        <button data-action="import" @click=${() => props.onChooseImport()}>Import a chat…</button>
      </div>
    </details>
    <input
      id="import"
      type="file"
      accept=".json,.md,application/json,text/markdown"
      hidden
      @change=${(e: Event) => props.onImport(e)}
    />
  </div>`;
}
