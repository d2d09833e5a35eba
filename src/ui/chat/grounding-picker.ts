import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { toHearthError } from '../../core/errors.ts';
import type { CollectionRecord } from '../../runtime/index.ts';
import { getHearth } from '../hearth-instance.ts';
import { controls } from '../shell/shared-styles.ts';
import { noGrounding, type Grounding } from './grounding.ts';

/**
 * "Use my documents" for one conversation: a switch and the collection to answer from. Emits
 * `grounding-change` with the new Grounding. The collections are read when the switch is first
 * turned on (or shown on), so a chat that never uses documents never starts the document store.
 */
export class GroundingPicker extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.25rem 0.6rem;
        font-size: 0.85rem;
        margin-top: 0.35rem;
      }
      label {
        display: inline-flex;
        align-items: center;
        gap: 0.35rem;
      }
      select {
        max-width: 14rem;
      }
      input[type='checkbox'] {
        accent-color: var(--accent);
        margin: 0;
      }
    `,
  ];

  static override properties = {
    grounding: { attribute: false },
    collections: { state: true },
    problem: { state: true },
  };
  declare grounding: Grounding | undefined;
  declare private collections: CollectionRecord[] | undefined;
  declare private problem: string;

  constructor() {
    super();
    this.problem = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('grounding') && this.grounding?.enabled && !this.collections) void this.loadCollections();
  }

  private async loadCollections(): Promise<void> {
    try {
      this.collections = await (await getHearth()).rag.listCollections();
      this.problem = '';
      const current = this.grounding ?? noGrounding;
      const known = this.collections.some((c) => c.id === current.collectionId);
      // A switch turned on with no collection chosen (or one since deleted) takes the first one.
      if (current.enabled && !known)
        this.emit({ enabled: true, collectionId: this.collections[0]?.id ?? null });
    } catch (error) {
      this.problem = `Your documents could not be read (${toHearthError(error).message}).`;
    }
  }

  private emit(grounding: Grounding): void {
    this.dispatchEvent(
      new CustomEvent('grounding-change', { detail: grounding, bubbles: true, composed: true }),
    );
  }

  override render() {
    const grounding = this.grounding ?? noGrounding;
    const collections = this.collections;
    return html`<label>
        <input
          type="checkbox"
          data-action="use-documents"
          .checked=${grounding.enabled}
          @change=${(e: Event) =>
            this.emit({ ...grounding, enabled: (e.target as HTMLInputElement).checked })}
        />
        Use my documents
      </label>
      ${
        grounding.enabled && collections?.length
          ? html`<label
              >Collection
              <select
                id="grounding-collection"
                @change=${(e: Event) =>
                  this.emit({ enabled: true, collectionId: (e.target as HTMLSelectElement).value })}
              >
                ${collections.map(
                  (c) =>
                    html`<option value=${c.id} ?selected=${c.id === grounding.collectionId}>
                      ${c.name}
                    </option>`,
                )}
              </select></label
            >`
          : nothing
      }
      ${
        grounding.enabled && collections?.length === 0
          ? html`<span class="muted"
              >No documents yet: add some under <a href="#/documents">Documents</a>.</span
            >`
          : nothing
      }
      ${this.problem ? html`<span class="muted" role="alert">${this.problem}</span>` : nothing}`;
  }
}

customElements.define('hearth-grounding-picker', GroundingPicker);
