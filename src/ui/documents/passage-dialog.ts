import { css, html, LitElement, nothing } from 'lit';
import type { Passage } from '../../runtime/index.ts';
import { controls, dialogStyles } from '../shell/shared-styles.ts';

/** How much of the document is shown around the cited passage, each side. */
const CONTEXT_CHARS = 600;

/**
 * A cited passage in its place: the document text around it, the passage itself marked, and focus
 * moved to it so a screen reader reads it first. Closing fires `close` (the view then leaves the
 * citation's route).
 */
export class PassageDialog extends LitElement {
  static override properties = {
    passage: { attribute: false },
    error: { attribute: false },
  };
  declare passage: Passage | null;
  declare error: string;

  constructor() {
    super();
    this.passage = null;
    this.error = '';
  }

  static override styles = [
    controls,
    dialogStyles,
    css`
      /* The header and the text carry their own padding: the text scrolls under a fixed header. */
      dialog {
        --dialog-width: 44rem;
        padding: 0;
      }
      header {
        display: flex;
        align-items: flex-start;
        gap: 0.5rem;
        padding: 0.75rem 1rem;
        border-bottom: 1px solid var(--border);
      }
      header h2 {
        margin: 0;
        font-size: 1.1rem;
        overflow-wrap: anywhere;
      }
      header p {
        margin: 0.2rem 0 0;
        font-size: 0.85rem;
      }
      header button {
        margin-inline-start: auto;
        flex: none;
      }
      .text {
        padding: 0.75rem 1rem 1rem;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        line-height: 1.55;
        max-height: 60dvh;
        overflow: auto;
      }
      mark {
        background: var(--mark, #fde68a);
        color: #1c1917;
        border-radius: 3px;
        padding: 0 1px;
      }
      mark:focus-visible {
        outline: 2px solid var(--focus);
      }
      .error {
        padding: 1rem;
        color: var(--danger);
      }
    `,
  ];

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  override updated(): void {
    const dialog = this.dialog;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    this.renderRoot.querySelector<HTMLElement>('mark')?.focus();
  }

  close(): void {
    this.dialog?.close();
  }

  private readonly onClose = () => this.dispatchEvent(new Event('close'));

  override render() {
    const passage = this.passage;
    if (!passage && !this.error) return nothing;
    const title = passage?.document.title || 'Untitled document';
    const where = passage ? describePlace(passage) : '';
    return html`<dialog aria-labelledby="passage-title" @close=${this.onClose}>
      <header>
        <div>
          <h2 id="passage-title">${passage ? title : 'Passage not found'}</h2>
          ${where ? html`<p class="muted" data-testid="passage-place">${where}</p>` : nothing}
        </div>
        <button type="button" data-action="close-passage" @click=${() => this.close()}>Close</button>
      </header>
      ${
        passage
          ? html`<div class="text" data-testid="passage-text">
              ${contextBefore(passage.before)}<mark tabindex="-1" aria-label="Cited passage"
                >${passage.text}</mark
              >${contextAfter(passage.after)}
            </div>`
          : html`<p class="error" role="alert">${this.error}</p>`
      }
    </dialog>`;
  }
}

function describePlace(passage: Passage): string {
  const parts: string[] = [];
  if (passage.page !== undefined)
    parts.push(
      passage.pageEnd && passage.pageEnd !== passage.page
        ? `Pages ${passage.page}–${passage.pageEnd}`
        : `Page ${passage.page}`,
    );
  if (passage.headingPath.length) parts.push(passage.headingPath.join(' › '));
  return parts.join(' · ');
}

function contextBefore(text: string): string {
  return text.length > CONTEXT_CHARS ? `…${text.slice(-CONTEXT_CHARS)}` : text;
}

function contextAfter(text: string): string {
  return text.length > CONTEXT_CHARS ? `${text.slice(0, CONTEXT_CHARS)}…` : text;
}

customElements.define('hearth-passage-dialog', PassageDialog);
