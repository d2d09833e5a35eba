import { css, html, LitElement, nothing } from 'lit';
import { blockHost, controls } from '../shell/shared-styles.ts';
import type { TextProblem } from './pipeline-text.ts';

/** "Line 6, column 3, agents[0].tools[0]:" */
function where(problem: TextProblem) {
  const at = `Line ${problem.line}, column ${problem.column}`;
  return problem.path ? html`${at}, <code>${problem.path}</code>:` : `${at}:`;
}

/**
 * The pipeline's JSON in a text box, checked as it is typed (the view checks; this shows): the
 * problems below it, each with its line and JSON path, and choosing one selects that part of the
 * text. Fires `pipeline-text` with the new text on every edit.
 */
export class PipelineEditor extends LitElement {
  static override properties = {
    text: {},
    problems: { attribute: false },
    summary: {},
  };
  declare text: string;
  declare problems: TextProblem[];
  /** What the check found when there is no problem ("3 agents, ready to run"). */
  declare summary: string;

  constructor() {
    super();
    this.text = '';
    this.problems = [];
    this.summary = '';
  }

  static override styles = [
    controls,
    blockHost,
    css`
      label {
        display: block;
        font-weight: 600;
        font-size: 0.9rem;
        margin-bottom: 0.25rem;
      }
      textarea {
        display: block;
        width: 100%;
        min-height: 16rem;
        height: 22rem;
        resize: vertical;
        font:
          0.8rem/1.45 ui-monospace,
          'Cascadia Mono',
          Menlo,
          monospace;
        tab-size: 2;
        white-space: pre;
        overflow: auto;
      }
      textarea[aria-invalid='true'] {
        border-color: var(--danger);
      }
      .status {
        margin: 0.35rem 0 0;
        font-size: 0.9rem;
      }
      .ok {
        color: var(--fg);
      }
      ul {
        list-style: none;
        margin: 0.25rem 0 0;
        padding: 0;
        display: grid;
        gap: 0.25rem;
      }
      li button {
        width: 100%;
        text-align: start;
        min-height: 0;
        font-size: 0.85rem;
        color: var(--danger);
        background: var(--surface);
        border-color: var(--border);
        overflow-wrap: anywhere;
      }
      .where {
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      code {
        font-size: 0.85em;
      }
    `,
  ];

  /** Selects the text of a problem and puts the caret there. */
  select(problem: TextProblem): void {
    const area = this.renderRoot.querySelector('textarea');
    if (!area) return;
    area.focus();
    area.setSelectionRange(problem.offset, problem.offset + problem.length);
    // Scroll the selection into view: roughly its line's height times the lines before it.
    const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
    area.scrollTop = Math.max(0, (problem.line - 3) * lineHeight);
  }

  private onInput(event: Event): void {
    const text = (event.target as HTMLTextAreaElement).value;
    this.dispatchEvent(new CustomEvent('pipeline-text', { detail: text, bubbles: true, composed: true }));
  }

  override render() {
    const invalid = this.problems.length > 0;
    return html`
      <label for="pipeline-json">Pipeline (JSON)</label>
      <textarea
        id="pipeline-json"
        spellcheck="false"
        autocapitalize="off"
        autocomplete="off"
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby="pipeline-status"
        .value=${this.text}
        @input=${this.onInput}
      ></textarea>
      <div id="pipeline-status">
        <p class="status ${invalid ? '' : 'ok'}" role="status" data-testid="pipeline-status">
          ${
            invalid
              ? `${this.problems.length} problem${this.problems.length === 1 ? '' : 's'}: the pipeline cannot run yet.`
              : this.summary
          }
        </p>
        ${
          invalid
            ? html`<ul aria-label="Problems" data-testid="pipeline-problems">
                ${this.problems.map(
                  (problem) =>
                    html`<li>
                      <button type="button" @click=${() => this.select(problem)}>
                        <span class="where">${where(problem)}</span>
                        ${problem.message}
                      </button>
                    </li>`,
                )}
              </ul>`
            : nothing
        }
      </div>
    `;
  }
}

customElements.define('hearth-pipeline-editor', PipelineEditor);
