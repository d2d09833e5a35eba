import { css, html, LitElement } from 'lit';
import { controls, modalDialog } from './shared-styles.ts';
import { shortcuts } from './shortcuts.ts';

/** The keyboard shortcuts, in a modal dialog (Esc or the Close button closes it). */
export class HelpDialog extends LitElement {
  static override styles = [
    controls,
    modalDialog,
    css`
      dialog {
        padding: 1.25rem;
        width: min(26rem, calc(100vw - 2rem));
      }
      h2 {
        margin: 0 0 0.75rem;
        font-size: 1.15rem;
      }
      dl {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.5rem 1rem;
        margin: 0 0 1rem;
      }
      dt {
        line-height: 1.8;
      }
      dd {
        margin: 0;
        text-align: end;
      }
      kbd {
        font:
          0.85rem ui-monospace,
          monospace;
        background: var(--surface-2);
        border: 1px solid var(--border-strong);
        border-radius: 5px;
        padding: 0.15rem 0.4rem;
        white-space: nowrap;
      }
      .actions {
        display: flex;
        justify-content: flex-end;
      }
    `,
  ];

  private get dialog(): HTMLDialogElement {
    return this.renderRoot.querySelector('dialog')!;
  }

  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  async show(): Promise<void> {
    await this.updateComplete;
    if (!this.dialog.open) this.dialog.showModal();
  }

  close(): void {
    this.dialog.close();
  }

  override render() {
    return html`<dialog aria-labelledby="help-title">
      <h2 id="help-title">Keyboard shortcuts</h2>
      <dl>
        ${shortcuts.map(
          (s) =>
            html`<dt>${s.label}</dt>
              <dd><kbd>${s.keys}</kbd></dd>`,
        )}
        <dt>Send the message</dt>
        <dd><kbd>Enter</kbd></dd>
        <dt>New line in the message</dt>
        <dd><kbd>Shift + Enter</kbd></dd>
      </dl>
      <div class="actions"><button class="primary" @click=${() => this.close()}>Close</button></div>
    </dialog>`;
  }
}

customElements.define('hearth-help-dialog', HelpDialog);
