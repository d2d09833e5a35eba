/// <reference types="vite-plugin-pwa/vanillajs" />
import { css, html, LitElement, nothing } from 'lit';
import { registerSW } from 'virtual:pwa-register';
import { erasedOnThisLoad } from '../device/erase-request.ts';
import { OUTDATED_TAB_EVENT } from './outdated-tab.ts';
import { controls } from './shared-styles.ts';
import { whenQuiet } from './when-quiet.ts';

/**
 * What the app has to tell about itself, under the header: a new version is ready (the service
 * worker of a newer build has installed and waits; "Update" lets it take over, and every tab of
 * the old build reloads on the new files — never a mix of both), or this tab is out of date (a newer
 * version upgraded a database in another tab). Whether the app is stored for offline use is in the
 * Device view. Loaded after the shell, so it adds nothing to the first screen's cost.
 */
/** How often an open app asks its host for a new version. */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export class AppNotices extends LitElement {
  static override properties = {
    updateReady: { state: true },
    updating: { state: true },
    outdated: { state: true },
  };
  declare private updateReady: boolean;
  declare private updating: boolean;
  declare private outdated: boolean;
  private applyUpdate: ((reload?: boolean) => Promise<void>) | undefined;
  private registering: Promise<void> | undefined;

  constructor() {
    super();
    this.updateReady = false;
    this.updating = false;
    this.outdated = false;
  }

  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .notice {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.5rem 1rem;
        padding: 0.5rem 1rem;
        border-bottom: 1px solid var(--border);
        background: var(--surface-2);
      }
      .notice p {
        margin: 0;
        flex: 1 1 16rem;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
    `,
  ];

  private readonly onOutdated = () => (this.outdated = true);

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener(OUTDATED_TAB_EVENT, this.onOutdated);
    if (erasedOnThisLoad() || this.registering) return;
    // Storing the app (~56 MB precached) waits until the page is quiet, not to slow an answer down.
    this.registering = whenQuiet().then(() => this.register());
  }

  private register(): void {
    this.applyUpdate = registerSW({
      immediate: true,
      onNeedRefresh: () => (this.updateReady = true),
      // The browser looks for a new version on navigations only: an app left open looks too.
      onRegisteredSW: (_url, registration) => {
        if (!registration) return;
        const check = () => void registration.update().catch(() => undefined);
        setInterval(check, UPDATE_CHECK_MS);
        document.addEventListener(
          'visibilitychange',
          () => document.visibilityState === 'visible' && check(),
        );
      },
    });
  }

  override disconnectedCallback(): void {
    removeEventListener(OUTDATED_TAB_EVENT, this.onOutdated);
    super.disconnectedCallback();
  }

  private async acceptUpdate(): Promise<void> {
    this.updating = true;
    // The waiting worker takes over; workbox-window then reloads this tab (and every other tab
    // of the old build) once it controls them.
    await this.applyUpdate?.(true);
  }

  override render() {
    if (this.outdated)
      return html`<div class="notice" role="alert" data-testid="outdated-tab">
        <p>Hearth was updated in another tab. Reload this tab to go on: everything you did here is kept.</p>
        <div class="actions">
          <button class="primary" data-action="reload" @click=${() => location.reload()}>Reload</button>
        </div>
      </div>`;
    // A polite live region that is always there (a region added with its text is often not read
    // out); not role="status", which the chat view keeps for its answers.
    return html`<div aria-live="polite">${this.renderStatus()}</div>`;
  }

  private renderStatus() {
    if (this.updateReady)
      return html`<div class="notice" data-testid="update-ready">
        <p>A new version of Hearth is ready.</p>
        <div class="actions">
          <button
            class="primary"
            data-action="update"
            ?disabled=${this.updating}
            @click=${() => void this.acceptUpdate()}
          >
            ${this.updating ? 'Updating…' : 'Update now'}
          </button>
          <button data-action="later" @click=${() => (this.updateReady = false)}>Later</button>
        </div>
      </div>`;
    return nothing;
  }
}

customElements.define('hearth-app-notices', AppNotices);

declare global {
  interface HTMLElementTagNameMap {
    'hearth-app-notices': AppNotices;
  }
}
