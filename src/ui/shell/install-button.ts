import { html, LitElement, nothing } from 'lit';
import { installOffered, onInstallOfferChange, promptInstall } from './install-prompt.ts';
import { controls } from './shared-styles.ts';

/** "Install", in the header, while the browser offers to install the app. */
export class InstallButton extends LitElement {
  static override styles = controls;
  private stopWatching: (() => void) | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopWatching = onInstallOfferChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    this.stopWatching?.();
    super.disconnectedCallback();
  }

  override render() {
    if (!installOffered()) return nothing;
    return html`<button
      class="quiet"
      data-action="install"
      title="Install Hearth as an app on this device"
      @click=${() => void promptInstall()}
    >
      Install
    </button>`;
  }
}

customElements.define('hearth-install-button', InstallButton);
