import { css, html, LitElement } from 'lit';
import { toHearthError } from '../core/errors.ts';
import { probeDeviceInWorker, type DeviceReport } from '../runtime/device.ts';
import './device-panel.ts';

export class AppShell extends LitElement {
  static override properties = { report: { state: true }, error: { state: true } };
  declare private report: DeviceReport | undefined;
  declare private error: string;

  constructor() {
    super();
    this.error = '';
  }

  static override styles = css`
    header h1 {
      margin: 0 0 0.25rem;
    }
    header p {
      margin: 0 0 1rem;
      opacity: 0.8;
    }
  `;

  override connectedCallback(): void {
    super.connectedCallback();
    probeDeviceInWorker().then(
      (report) => (this.report = report),
      (error: unknown) => (this.error = toHearthError(error).message),
    );
  }

  override render() {
    return html`
      <header>
        <h1>Hearth</h1>
        <p>Language models, embeddings and agents that run on this device.</p>
      </header>
      <hearth-device-panel .report=${this.report} .error=${this.error}></hearth-device-panel>
    `;
  }
}

customElements.define('hearth-app', AppShell);
