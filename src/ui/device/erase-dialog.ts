import { css, html, LitElement } from 'lit';
import { controls, dialogStyles } from '../shell/shared-styles.ts';
import { requestErase } from './erase-request.ts';

/** What "Delete all my data" removes, asked once more in a modal dialog; Cancel and Esc keep everything. */
export class EraseDialog extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      dialog {
        --dialog-width: 30rem;
      }
      ul {
        padding-inline-start: 1.2rem;
        margin: 0.5rem 0;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        justify-content: flex-end;
        gap: 0.5rem;
        margin-top: 1rem;
      }
      button.danger {
        border-color: var(--danger);
        font-weight: 600;
      }
    `,
  ];

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  async show(): Promise<void> {
    await this.updateComplete;
    this.dialog?.showModal();
    // The safe choice has the focus: Enter straight away deletes nothing.
    this.renderRoot.querySelector<HTMLButtonElement>('[data-action="cancel-erase"]')?.focus();
  }

  override render() {
    return html`<dialog aria-labelledby="erase-title" aria-describedby="erase-what">
      <h2 id="erase-title">Delete all your data on this device?</h2>
      <div id="erase-what">
        <p>This removes, from this browser only:</p>
        <ul>
          <li>every conversation</li>
          <li>every document and collection, with their search index</li>
          <li>downloaded models and adapters</li>
          <li>agent runs, their traces and saved notes</li>
          <li>MCP servers and A2A agents you added, with their sign-in tokens</li>
          <li>fine-tuning keys and settings, the theme included</li>
        </ul>
        <p>It cannot be undone. Export the chats you want to keep first. The page reloads afterwards.</p>
      </div>
      <div class="buttons">
        <button data-action="cancel-erase" @click=${() => this.dialog?.close()}>Cancel</button>
        <button class="danger" data-action="confirm-erase" @click=${() => requestErase()}>
          Delete everything
        </button>
      </div>
    </dialog>`;
  }
}

customElements.define('hearth-erase-dialog', EraseDialog);
