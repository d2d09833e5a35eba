import { css, html, LitElement, nothing } from 'lit';
import { controls } from '../shell/shared-styles.ts';
import { adapterEvents, knownAdapters } from './adapter-link.ts';

/**
 * Which LoRA adapter a conversation answers with: "No adapter" or one synced to this device. Fires
 * `adapter-change` with the name (or null); the conversation keeps the name, and each request uses the
 * newest version of it on the device.
 */
export class AdapterPicker extends LitElement {
  static override properties = { value: { attribute: false }, names: { state: true } };
  declare value: string | null;
  declare private names: string[];

  constructor() {
    super();
    this.value = null;
    this.names = knownAdapters();
  }

  static override styles = [
    controls,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
        min-width: 0;
      }
      select {
        min-height: 2.25rem;
        max-width: 11rem;
        padding-block: 0.3rem;
      }
    `,
  ];

  private readonly refresh = () => (this.names = knownAdapters());

  override connectedCallback(): void {
    super.connectedCallback();
    adapterEvents.addEventListener('change', this.refresh);
  }

  override disconnectedCallback(): void {
    adapterEvents.removeEventListener('change', this.refresh);
    super.disconnectedCallback();
  }

  private choose(event: Event): void {
    const name = (event.target as HTMLSelectElement).value || null;
    this.dispatchEvent(new CustomEvent('adapter-change', { detail: name, bubbles: true, composed: true }));
  }

  override render() {
    const names = this.value && !this.names.includes(this.value) ? [this.value, ...this.names] : this.names;
    if (names.length === 0) return nothing;
    return html`<label class="sr-only" for="adapter">Adapter for this chat</label>
      <select id="adapter" data-action="adapter" title="Adapter for this chat" @change=${this.choose}>
        <option value="" ?selected=${!this.value}>No adapter</option>
        ${names.map((name) => html`<option value=${name} ?selected=${name === this.value}>${name}</option>`)}
      </select>`;
  }
}

customElements.define('hearth-adapter-picker', AdapterPicker);
