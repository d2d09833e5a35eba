import { css, html, LitElement } from 'lit';
import { toHearthError } from '../../core/errors.ts';
import type { DeviceReport } from '../../runtime/index.ts';
import { probeDeviceInWorker } from '../../runtime/device.ts';
import '../device-panel.ts';

/** The Device view: asks a probe worker what this device offers and shows it in the Device panel. */
export class DeviceView extends LitElement {
  static override properties = { report: { state: true }, error: { state: true } };
  declare private report: DeviceReport | undefined;
  declare private error: string;

  constructor() {
    super();
    this.error = '';
  }

  static override styles = css`
    :host {
      display: block;
      padding: 1.5rem 1rem;
      max-width: 52rem;
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
    return html`<hearth-device-panel .report=${this.report} .error=${this.error}></hearth-device-panel>`;
  }
}

customElements.define('hearth-device-view', DeviceView);
