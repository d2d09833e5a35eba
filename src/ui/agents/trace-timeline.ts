import { css, html, LitElement, nothing } from 'lit';
import type { SpanRecord } from '../../runtime/index.ts';
import { blockHost, controls } from '../shell/shared-styles.ts';
import { formatDuration, traceTimeline } from './trace-rows.ts';

const kindWords: Record<SpanRecord['kind'], string> = {
  run: 'run',
  agent: 'agent',
  model: 'model call',
  tool: 'tool call',
  handoff: 'handoff',
  approval: 'approval',
  remote: 'remote call',
  custom: 'step',
};

/**
 * A run's trace as a timeline: one row per span, indented under the span that opened it, with a bar
 * on the run's time axis and its duration in words. Each row opens to show the span's attributes
 * (tokens, arguments, results: shown as text). The bars are decoration; the words carry it all.
 */
export class TraceTimeline extends LitElement {
  static override properties = { spans: { attribute: false } };
  declare spans: SpanRecord[];

  constructor() {
    super();
    this.spans = [];
  }

  static override styles = [
    controls,
    blockHost,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        font-size: 0.85rem;
      }
      li {
        border-top: 1px solid var(--border);
        min-width: 0;
      }
      summary {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 0.1rem 0.5rem;
        padding: 0.3rem 0.25rem 0.3rem calc(0.25rem + var(--depth) * 0.9rem);
        cursor: pointer;
        list-style: none;
      }
      summary::-webkit-details-marker {
        display: none;
      }
      summary:hover {
        background: var(--hover);
      }
      .label {
        overflow-wrap: anywhere;
      }
      .label .kind {
        color: var(--muted);
      }
      .time {
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .track {
        grid-column: 1 / -1;
        position: relative;
        height: 0.55rem;
        background: var(--surface-2);
        border-radius: 3px;
      }
      .bar {
        position: absolute;
        top: 0;
        bottom: 0;
        border-radius: 3px;
        background: var(--accent);
      }
      .bar.model {
        background: var(--hl-title);
      }
      .bar.tool,
      .bar.remote,
      .bar.custom {
        background: var(--hl-string);
      }
      .bar.approval {
        background: var(--warn);
      }
      .bar.error {
        background: var(--danger);
      }
      .bar.open {
        opacity: 0.55;
      }
      dl {
        display: grid;
        grid-template-columns: minmax(6rem, max-content) minmax(0, 1fr);
        gap: 0.15rem 0.75rem;
        margin: 0.2rem 0 0.5rem calc(0.5rem + var(--depth) * 0.9rem);
        font-size: 0.8rem;
      }
      dt {
        color: var(--muted);
        overflow-wrap: anywhere;
      }
      dd {
        margin: 0;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 12rem;
        overflow: auto;
      }
    `,
  ];

  override render() {
    const { rows, totalMs } = traceTimeline(this.spans);
    if (!rows.length) return html`<p class="muted">No spans recorded for this run yet.</p>`;
    return html`<p class="muted">
        ${rows.length} spans over ${formatDuration(totalMs)}. Open a row for its details.
      </p>
      <ol data-testid="trace-rows" aria-label="Spans, in the order they started">
        ${rows.map(
          (row) =>
            html`<li style="--depth: ${Math.min(row.depth, 8)}" data-kind=${row.span.kind}>
              <details>
                <summary>
                  <span class="label"
                    >${row.span.name} <span class="kind">(${kindWords[row.span.kind]})</span></span
                  >
                  <span class="time" data-testid="span-duration"
                    >${row.open ? 'open, so far ' : ''}${formatDuration(row.durationMs)}
                    <span class="muted">at +${formatDuration(row.offsetMs)}</span></span
                  >
                  <span class="track" aria-hidden="true"
                    ><span
                      class="bar ${row.span.kind} ${row.span.status === 'error' ? 'error' : ''} ${row.open ? 'open' : ''}"
                      style="left: ${row.left}%; width: ${row.width}%"
                    ></span
                  ></span>
                </summary>
                <dl>
                  <dt>status</dt>
                  <dd>${row.span.status}${row.span.statusMessage ? `: ${row.span.statusMessage}` : ''}</dd>
                  ${Object.entries(row.span.attributes).map(
                    ([key, value]) =>
                      html`<dt>${key}</dt>
                        <dd>${String(value)}</dd>`,
                  )}
                  ${
                    row.open
                      ? html`<dt>end</dt>
                          <dd>not ended (still running, or its page closed first)</dd>`
                      : nothing
                  }
                </dl>
              </details>
            </li>`,
        )}
      </ol>`;
  }
}

customElements.define('hearth-trace-timeline', TraceTimeline);
