import { css, html, LitElement, nothing } from 'lit';
import { toHearthError } from '../../core/errors.ts';
import type { DeviceReport } from '../../runtime/index.ts';
import {
  BUILD_ID,
  canShareEngine,
  sharedEngineStatus,
  type SharedEngineStatus,
} from '../../runtime/shared-engine-host.ts';
import { probeDeviceInWorker } from '../../runtime/device.ts';
import '../device-panel.ts';
import { controls } from '../shell/shared-styles.ts';
import type { EraseOutcome } from './erase-data.ts';
import './erase-dialog.ts';
import type { EraseDialog } from './erase-dialog.ts';
import { takeEraseOutcome } from './erase-request.ts';

/**
 * The Device view: asks a probe worker what this device offers and shows it in the Device panel;
 * below it, "Delete all my data", and what the last erase did.
 */
export class DeviceView extends LitElement {
  static override properties = {
    report: { state: true },
    error: { state: true },
    engine: { state: true },
    offline: { state: true },
  };
  declare private report: DeviceReport | undefined;
  declare private error: string;
  declare private engine: SharedEngineStatus | null | undefined;
  declare private offline: string;
  private readonly erased: EraseOutcome | undefined = takeEraseOutcome();

  constructor() {
    super();
    this.error = '';
    this.offline = '';
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        max-width: 52rem;
        padding: 1.5rem 1rem;
      }
      section {
        margin-top: 1.5rem;
      }
      h2 {
        font-size: 1.1rem;
        margin: 0 0 0.5rem;
      }
      .outcome {
        border-inline-start: 3px solid var(--accent);
        padding: 0.25rem 0.75rem;
        margin-bottom: 0.75rem;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    probeDeviceInWorker().then(
      (report) => (this.report = report),
      (error: unknown) => (this.error = toHearthError(error).message),
    );
    if (!canShareEngine()) this.engine = null;
    else void sharedEngineStatus().then((status) => (this.engine = status ?? null));
    void describeOfflineCopy().then((text) => (this.offline = text));
  }

  override render() {
    return html`<hearth-device-panel
        .report=${this.report}
        .error=${this.error}
        .engine=${this.engine}
        offline=${this.offline}
        build=${BUILD_ID}
      ></hearth-device-panel>
      <section aria-labelledby="data-title">
        <h2 id="data-title">Your data</h2>
        ${this.erased ? renderOutcome(this.erased) : nothing}
        <p class="muted">
          Conversations, documents, models, adapters, keys and settings are kept in this browser only.
        </p>
        <button
          class="danger"
          data-action="erase"
          @click=${() => this.renderRoot.querySelector<EraseDialog>('hearth-erase-dialog')?.show()}
        >
          Delete all my data…
        </button>
        <hearth-erase-dialog></hearth-erase-dialog>
      </section>`;
  }
}

/** Whether the app itself is stored for use without a network (its service worker is active). */
async function describeOfflineCopy(): Promise<string> {
  if (!('serviceWorker' in navigator)) return 'Not available: this browser has no service workers here.';
  const registration = await navigator.serviceWorker.getRegistration().catch(() => undefined);
  if (registration?.active)
    return 'Stored: Hearth starts without a network, with the models, documents and adapters on this device.';
  if (registration?.installing || registration?.waiting) return 'Being stored now…';
  return import.meta.env.DEV
    ? 'Not stored: the development server runs without the service worker.'
    : 'Not stored yet: it is stored on this visit.';
}

function renderOutcome(outcome: EraseOutcome) {
  return html`<div class="outcome" role="status" data-testid="erase-outcome">
    ${
      outcome.problems.length === 0
        ? html`<p>
            Everything Hearth kept on this device was deleted. The app now starts as on a new browser.
          </p>`
        : html`<p>Most of your data was deleted, but not all of it:</p>
            <ul>
              ${outcome.problems.map((problem) => html`<li>${problem}</li>`)}
            </ul>`
    }
  </div>`;
}

customElements.define('hearth-device-view', DeviceView);
