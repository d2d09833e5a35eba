import { css, html, nothing } from 'lit';
import type { Conversation, StoredMessage } from './conversation.ts';

/*
 * What of a conversation the model reads. The engine (overflow 'truncate-oldest') leaves out whole
 * turns from the front when the conversation outgrows the context, and says how many in
 * `usage.dropped_messages`; the view marks those messages and says so, next to the meter of tokens
 * used, counted by the engine's own tokenizer (`usage.total_tokens`).
 */

/** The messages sent to the model, in order: failed or empty answers are not part of what it reads. */
export function sentMessages(conversation: Conversation): StoredMessage[] {
  return conversation.messages.filter((m) => m.role === 'user' || (m.content && m.finish !== 'error'));
}

/** After an answer: the first message the model still read (null: it read them all). */
export function contextStartAfter(sent: StoredMessage[], droppedMessages: number): string | null {
  return droppedMessages > 0 ? (sent[droppedMessages]?.id ?? null) : null;
}

/** How many messages come before the first one the model read (none when it read them all). */
export function droppedCount(conversation: Conversation): number {
  const start = conversation.contextStart;
  if (!start) return 0;
  return Math.max(
    0,
    conversation.messages.findIndex((m) => m.id === start),
  );
}

export function renderDroppedNote(count: number, contextLength: number | undefined) {
  const size = contextLength ? ` (it holds ${contextLength.toLocaleString('en')} tokens)` : '';
  return html`<div class="dropped-note" role="note" data-testid="dropped-note">
    ${count === 1 ? 'The first message, marked with a dashed edge, is' : `The first ${count} messages, marked with a dashed edge, are`}
    no longer read by the model: the conversation outgrew its context${size}, so the oldest turns were left
    out of the last answer. Start a new chat to begin afresh, or export this one to keep it.
  </div>`;
}

export function renderContextMeter(
  conversation: Conversation | undefined,
  contextLength: number | undefined,
) {
  const used = conversation?.contextTokens ?? 0;
  if (!contextLength || !Number.isFinite(contextLength))
    return html`<div class="meter muted" data-testid="context-meter">
      Context use is shown after the first answer.
    </div>`;
  const dropped = conversation ? droppedCount(conversation) : 0;
  const warning =
    dropped > 0
      ? 'Full: the oldest messages are left out of what the model reads (marked above).'
      : used / contextLength >= 0.9
        ? 'Almost full: the next answers leave out the oldest messages. Start a new chat to begin afresh.'
        : '';
  return html`<div class="meter muted" data-testid="context-meter">
    <meter
      min="0"
      max=${contextLength}
      value=${used}
      low=${Math.round(contextLength * 0.7)}
      high=${Math.round(contextLength * 0.9)}
      optimum="0"
      aria-label="Context used"
    ></meter>
    <span>${used.toLocaleString('en')} of ${contextLength.toLocaleString('en')} context tokens used</span>
    ${warning ? html`<span class="warn" data-testid="context-warning">${warning}</span>` : nothing}
  </div>`;
}

export const contextWindowStyles = css`
  .dropped-note {
    border: 1px dashed var(--border-strong);
    border-radius: 8px;
    padding: 0.5rem 0.75rem;
    margin: 0.5rem 0;
    font-size: 0.9rem;
  }
  hearth-chat-message[data-dropped] {
    border-inline-start: 3px dashed var(--border-strong);
    padding-inline-start: 0.4rem;
  }
`;
