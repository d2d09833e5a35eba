import { css, html, LitElement, nothing } from 'lit';
import type { Decision, Interruption, ThreadItemRecord } from '../../runtime/index.ts';
import { blockHost, controls } from '../shell/shared-styles.ts';
import './agent-answer.ts';
import { preview, statusWords } from './event-log.ts';
import type { RunSnapshot } from './run-session.ts';

const statusWordsOfRun = {
  running: 'Running',
  paused: 'Waiting for you',
  completed: 'Completed',
  failed: 'Failed',
  aborted: 'Stopped',
} as const;

const clip = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars)}…` : text);

/**
 * One run as it stands: its status, the questions it waits on (approve or reject, also after a
 * reload), the answer (rendered as the chat renders answers), its steps as stored, and the events
 * this page received. Fires `decide` with `Decision[]`, and `resume-run` for a run whose page closed.
 */
export class RunPanel extends LitElement {
  static override properties = { snapshot: { attribute: false }, reasons: { state: true } };
  declare snapshot: RunSnapshot | null;
  /** What the person typed as the reason for a rejection, per interruption. */
  declare private reasons: Record<string, string>;

  constructor() {
    super();
    this.snapshot = null;
    this.reasons = {};
  }

  static override styles = [
    controls,
    blockHost,
    css`
      p {
        margin: 0.3rem 0;
        line-height: 1.5;
      }
      .status {
        font-weight: 600;
      }
      .status[data-status='completed'] {
        color: var(--hl-string);
      }
      .status[data-status='failed'],
      .status[data-status='aborted'] {
        color: var(--danger);
      }
      .status[data-status='paused'] {
        color: var(--warn);
      }
      .failure {
        color: var(--danger);
        overflow-wrap: anywhere;
      }
      .approval {
        border: 1px solid var(--warn);
        border-inline-start: 4px solid var(--warn);
        border-radius: 8px;
        padding: 0.6rem;
        margin: 0.5rem 0;
        display: grid;
        gap: 0.4rem;
      }
      .approval h4 {
        margin: 0;
        font-size: 1rem;
        overflow-wrap: anywhere;
      }
      pre {
        margin: 0;
        background: var(--code-bg);
        border: 1px solid var(--border);
        border-radius: 6px;
        padding: 0.4rem 0.5rem;
        font-size: 0.8rem;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        max-height: 14rem;
        overflow: auto;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.4rem;
        align-items: center;
      }
      .buttons input {
        flex: 1 1 10rem;
        min-width: 0;
      }
      .streaming {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        color: var(--muted);
      }
      h4.part {
        margin: 0.75rem 0 0.25rem;
        font-size: 0.95rem;
      }
      ol {
        margin: 0;
        padding-inline-start: 1.3rem;
        font-size: 0.9rem;
        line-height: 1.45;
      }
      ol li {
        margin-bottom: 0.3rem;
        overflow-wrap: anywhere;
      }
      ol li pre {
        margin-top: 0.2rem;
      }
      .tone-ok {
        color: var(--fg);
      }
      .tone-warn {
        color: var(--warn);
      }
      .tone-error {
        color: var(--danger);
      }
      .nested {
        color: var(--muted);
      }
      details summary {
        cursor: pointer;
        font-weight: 600;
        margin-top: 0.75rem;
      }
      .answer {
        border: 1px solid var(--border);
        border-radius: 8px;
        padding: 0.6rem;
        background: var(--bg);
        margin-top: 0.5rem;
      }
    `,
  ];

  private emit(name: string, detail?: unknown): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private answer(interruption: Interruption, approve: boolean): void {
    const reason = this.reasons[interruption.id]?.trim();
    const decision: Decision = approve
      ? { interruptionId: interruption.id, approve: true }
      : { interruptionId: interruption.id, approve: false, ...(reason ? { reason } : {}) };
    this.emit('decide', [decision]);
  }

  override render() {
    const s = this.snapshot;
    if (!s || (!s.view && !s.running)) return html`<p class="muted">No run yet: ask something above.</p>`;
    const run = s.view?.run;
    const status = s.running ? 'running' : (run?.status ?? 'running');
    const elsewhere = !s.running && s.view?.live;
    const waiting = !s.running && !elsewhere ? (s.view?.interruptions ?? []) : [];
    return html`
      <p>
        <span class="status" data-status=${status} data-testid="run-status" role="status"
          >${elsewhere ? 'Running in another tab' : statusWordsOfRun[status]}</span
        >
        ${run ? html`<span class="muted">· ${run.pipeline.name} · ${run.agent}</span>` : nothing}
      </p>
      ${
        s.view?.interrupted && !s.running && waiting.length === 0
          ? html`<p>
              The page that ran this closed in the middle of a step.
              <button data-action="resume-run" @click=${() => this.emit('resume-run')}>Continue it</button>
            </p>`
          : nothing
      }
      ${waiting.map((i) => this.renderApproval(i))}
      ${
        s.failure && !s.running
          ? html`<p class="failure" role="alert">${s.failure.message} (${s.failure.code})</p>`
          : nothing
      }
      ${
        s.streaming
          ? html`<p class="streaming" aria-busy="true">
              <strong>${s.streaming.agent}:</strong> ${s.streaming.text}
            </p>`
          : nothing
      }
      ${
        run?.status === 'completed' && run.output !== undefined
          ? html`<div class="answer">
              <h4 class="part" style="margin-top:0">Answer from ${run.agent}</h4>
              <hearth-agent-answer .markdown=${run.output}></hearth-agent-answer>
            </div>`
          : nothing
      }
      ${this.renderSteps(s)}
      ${
        s.log.length
          ? html`<details open>
              <summary>Events on this page (${s.log.length})</summary>
              <ol data-testid="run-events">
                ${s.log.map(
                  (line) =>
                    html`<li class="tone-${line.tone} ${line.nested ? 'nested' : ''}" data-type=${line.type}>
                      ${line.nested ? '↳ ' : ''}${line.text}
                      ${line.detail ? html`<pre>${line.detail}</pre>` : nothing}
                    </li>`,
                )}
              </ol>
            </details>`
          : nothing
      }
    `;
  }

  private renderApproval(interruption: Interruption) {
    const approval = interruption.kind === 'approval';
    const reasonId = `reason-${interruption.id}`;
    return html`<div class="approval" data-interruption=${interruption.id} data-testid="approval">
      <h4>
        ${
          approval
            ? `${interruption.agent} wants to call ${interruption.tool}`
            : `${interruption.tool} was running when its page closed`
        }
      </h4>
      <p>
        ${
          approval
            ? 'Nothing happens until you answer. With these arguments:'
            : 'It may or may not have finished. Run it again with these arguments?'
        }
      </p>
      <pre>${preview(interruption.arguments)}</pre>
      <div class="buttons">
        <button class="primary" data-action="approve" @click=${() => this.answer(interruption, true)}>
          ${approval ? 'Approve' : 'Run it again'}
        </button>
        <button data-action="reject" @click=${() => this.answer(interruption, false)}>
          ${approval ? 'Reject' : 'Do not run it'}
        </button>
        <label class="sr-only" for=${reasonId}>Why not (the agent is told)</label>
        <input
          id=${reasonId}
          type="text"
          placeholder="Why not (optional)"
          .value=${this.reasons[interruption.id] ?? ''}
          @input=${(e: Event) =>
            (this.reasons = { ...this.reasons, [interruption.id]: (e.target as HTMLInputElement).value })}
        />
      </div>
    </div>`;
  }

  private renderSteps(s: RunSnapshot) {
    const run = s.view?.run;
    if (!run) return nothing;
    const items = s.items.filter((record) => record.item.type !== 'instructions');
    const pending = run.step?.calls.filter((call) => call.state !== 'done') ?? [];
    if (!items.length && !pending.length) return nothing;
    return html`<details ?open=${!s.log.length}>
      <summary>Steps, as stored (${items.length + pending.length})</summary>
      <ol data-testid="run-steps">
        ${items.map((record) => this.renderItem(record))}
        ${pending.map(
          (call) =>
            html`<li data-step="pending">
              <strong>${run.step!.agent}</strong> → <code>${call.tool}</code>:
              ${
                call.state === 'awaiting'
                  ? 'waits for your answer'
                  : call.state === 'running'
                    ? call.interrupted
                      ? 'was running when the page closed'
                      : 'running'
                    : 'queued'
              }
            </li>`,
        )}
      </ol>
    </details>`;
  }

  private renderItem(record: ThreadItemRecord) {
    const item = record.item;
    switch (item.type) {
      case 'user':
        return html`<li><strong>You:</strong> ${clip(item.text, 400)}</li>`;
      case 'assistant':
        return html`<li>
          <strong>${item.agent}:</strong>
          ${item.text ? clip(item.text, 400) : nothing}
          ${item.toolCalls.map(
            (call) =>
              html`<div>
                calls <code>${call.function.name}</code>
                <pre>${clip(call.function.arguments, 1_000)}</pre>
              </div>`,
          )}
        </li>`;
      case 'tool_result':
        return html`<li class=${item.status === 'ok' ? '' : 'tone-warn'}>
          <code>${item.tool}</code>
          ${statusWords[item.status]}${item.truncated ? ` (cut; ${item.bytes} bytes in all)` : ''}
          <pre>${clip(item.output, 1_000)}</pre>
        </li>`;
      case 'instructions':
        return nothing;
    }
  }
}

customElements.define('hearth-run-panel', RunPanel);
