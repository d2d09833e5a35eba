import { html, nothing } from 'lit';
import { formatBytes } from '../../core/format-bytes.ts';
import type { Progress } from '../../core/progress.ts';
import type { PendingApproval } from './agent-view.ts';
import type { HearthChatMessage } from './messages.ts';

export type Phase =
  { kind: 'loading'; progress: Progress | null } | { kind: 'waiting' } | { kind: 'writing' };

/** The answer being written. */
export interface AnswerState {
  phase: Phase;
  /** The pipeline's run waits on the visitor: run these calls? */
  approvals?: PendingApproval[];
}

/** How an answer stands: being written (its phase), or how it ended. */
export function renderState(message: HearthChatMessage, active: AnswerState | null) {
  const phase = active?.phase ?? null;
  if (phase?.kind === 'loading') {
    const p = phase.progress;
    const known = p !== null && p.total > 0;
    return html`<div class="state" data-state="loading">
      <span>Loading the model${known ? ` (${formatBytes(p.loaded)} of ${formatBytes(p.total)})` : ''}…</span>
      <progress
        aria-label="Model loading"
        max=${known ? p.total : nothing}
        value=${known ? p.loaded : nothing}
      ></progress>
    </div>`;
  }
  if (phase?.kind === 'waiting')
    return active?.approvals ? nothing : html`<div class="state" data-state="waiting">Thinking…</div>`;
  if (phase?.kind === 'writing') return nothing;
  if (message.finish === 'abort') return html`<div class="state" data-state="stopped">Stopped.</div>`;
  if (message.finish === 'length')
    return html`<div class="state" data-state="length">The answer reached its length limit.</div>`;
  if (message.finish === 'error')
    return html`<p class="error" role="alert" data-state="error" data-code=${message.error?.code ?? ''}>
      ${message.error?.message ?? 'The answer failed.'}
    </p>`;
  return nothing;
}

/** The passages an answer of a collection was given, numbered as it cites them. */
export function renderSourceList(message: HearthChatMessage) {
  if (!message.sources?.length) return nothing;
  return html`<ol class="sources" part="sources" aria-label="Sources">
    ${message.sources.map(
      (source) => html`<li value=${source.n}><strong>${source.title}</strong>: ${source.snippet}</li>`,
    )}
  </ol>`;
}
