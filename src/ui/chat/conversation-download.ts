import type { Conversation } from './conversation.ts';
import { toJson, toMarkdown } from './exchange.ts';

/** Saves `conversation` as a file the browser downloads, named after its title. */
export function downloadConversation(conversation: Conversation, kind: 'json' | 'md'): void {
  const text = kind === 'json' ? toJson(conversation) : toMarkdown(conversation);
  const blob = new Blob([text], { type: kind === 'json' ? 'application/json' : 'text/markdown' });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${slug(conversation.title)}.${kind}`;
  link.click();
  // The download reads the blob after click() returns; revoking at once could cancel it.
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function slug(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'chat'
  );
}
