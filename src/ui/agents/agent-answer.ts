import { css, html, LitElement, type PropertyValues } from 'lit';
import { handleAnswerClick } from '../chat/markdown/answer-clicks.ts';
import { markdownStyles } from '../chat/markdown-styles.ts';
import { renderFull } from '../chat/markdown/streaming-markdown.ts';
import { controls } from '../shell/shared-styles.ts';

/**
 * A run's final answer, rendered as the chat renders answers: Markdown through the one sanitiser
 * (src/ui/chat/markdown/sanitize.ts), links without opener, images only on request.
 */
export class AgentAnswer extends LitElement {
  static override properties = { markdown: {} };
  declare markdown: string;
  private rendered: string | undefined;

  constructor() {
    super();
    this.markdown = '';
  }

  static override styles = [
    controls,
    markdownStyles,
    css`
      :host {
        display: block;
      }
    `,
  ];

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const body = this.renderRoot.querySelector<HTMLElement>('.markdown');
    if (body && this.rendered !== this.markdown) {
      this.rendered = this.markdown;
      void renderFull(body, this.markdown);
    }
  }

  override render() {
    return html`<div class="markdown" data-testid="agent-answer" @click=${handleAnswerClick}></div>`;
  }
}

customElements.define('hearth-agent-answer', AgentAnswer);
