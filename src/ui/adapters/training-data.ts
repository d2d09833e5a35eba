import type { Conversation } from '../chat/conversation.ts';

/**
 * The messages of a conversation that training would read: the system prompt, then every question and every
 * answer that finished with text (failed and empty answers are left out, as they are from chat requests).
 */
export function trainingMessages(conversation: Conversation): Array<{ role: string; content: string }> {
  const turns = conversation.messages
    .filter((m) => m.role === 'user' || (m.content && m.finish !== 'error'))
    .map((m) => ({ role: m.role, content: m.content }));
  return conversation.systemPrompt
    ? [{ role: 'system', content: conversation.systemPrompt }, ...turns]
    : turns;
}
