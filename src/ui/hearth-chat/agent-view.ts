import { html, nothing } from 'lit';
import type { Interruption } from '../../runtime/index.ts';
import type { AgentToolCall } from './agent-run.ts';

/** A call the run waits on, and the visitor's answer once given. */
export interface PendingApproval {
  interruption: Interruption;
  approve?: boolean;
  choose(approve: boolean): void;
}

const statusWords: Record<AgentToolCall['status'], string> = {
  queued: 'waiting',
  running: 'running…',
  awaiting: 'needs your approval',
  ok: 'done',
  error: 'failed',
  invalid_arguments: 'arguments did not fit',
  unknown_tool: 'no such tool',
  timeout: 'timed out',
  rejected: 'rejected',
  aborted: 'stopped',
  interrupted: 'interrupted',
};

/** Arguments in one short line (a model may write long ones; the whole is in the `message` event). */
function argumentsText(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  } catch {
    text = String(value);
  }
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/** The tools an answer called, each with its arguments and where it is (as text: Lit escapes it). */
export function renderToolCalls(calls: AgentToolCall[] | undefined) {
  if (!calls?.length) return nothing;
  return html`<ol class="tool-calls" part="tool-calls" aria-label="Tool calls">
    ${calls.map(
      (call) =>
        html`<li class="tool-call" part="tool-call" data-status=${call.status}>
          <span class="tool-name">${call.tool}</span>
          <code class="tool-arguments">${argumentsText(call.arguments)}</code>
          <span class="tool-status">${statusWords[call.status]}</span>
        </li>`,
    )}
  </ol>`;
}

/** One question per call the run waits on: its tool and arguments, Approve and Reject. */
export function renderApprovals(approvals: PendingApproval[] | undefined) {
  if (!approvals?.length) return nothing;
  return approvals.map((item) => {
    const label = `approval-${item.interruption.id}`;
    return html`<div class="approval" role="group" part="approval" aria-labelledby=${label}>
      <p id=${label}>
        Allow <strong>${item.interruption.tool}</strong> to run with
        <code>${argumentsText(item.interruption.arguments)}</code>?
      </p>
      ${
        item.approve === undefined
          ? html`<div class="approval-actions">
              <button type="button" class="primary" part="approve-button" @click=${() => item.choose(true)}>
                Approve
              </button>
              <button type="button" part="reject-button" @click=${() => item.choose(false)}>Reject</button>
            </div>`
          : html`<p class="state">${item.approve ? 'Approved.' : 'Rejected.'}</p>`
      }
    </div>`;
  });
}
