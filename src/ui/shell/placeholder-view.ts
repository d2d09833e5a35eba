import { css, html, LitElement } from 'lit';
import { controls } from './shared-styles.ts';

/** A view whose content is still to come: its heading and one line on what it will hold. */
export abstract class PlaceholderView extends LitElement {
  protected abstract readonly heading: string;
  protected abstract readonly summary: string;

  static override styles = [
    controls,
    css`
      :host {
        display: block;
        padding: 1.5rem 1rem;
        max-width: 44rem;
      }
      h2 {
        margin: 0 0 0.5rem;
        font-size: 1.35rem;
      }
      p {
        margin: 0;
        line-height: 1.5;
      }
    `,
  ];

  override render() {
    return html`<h2>${this.heading}</h2>
      <p class="muted">${this.summary}</p>`;
  }
}
