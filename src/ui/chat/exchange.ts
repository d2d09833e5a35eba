import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';
import { sourcesMarkdown } from './citations.ts';
import {
  conversationSchema,
  defaultSampling,
  newId,
  type Conversation,
  type StoredMessage,
} from './conversation.ts';

/* Export and import of one conversation, as JSON (everything) or Markdown (readable, and read back). */

const jsonFileSchema = z.object({
  format: z.literal('hearth-conversation'),
  version: z.literal(1),
  conversation: conversationSchema,
});

export function toJson(conversation: Conversation): string {
  return JSON.stringify({ format: 'hearth-conversation', version: 1, conversation }, null, 2);
}

// Each turn is marked by an HTML comment: invisible when the file is rendered, and unlike a heading
// it cannot be confused with the headings an answer itself contains.
const turnMarker = /^<!-- hearth:(user|assistant) -->$/;
const systemMarker = '<!-- hearth:system -->';
// An answer's sources follow it under their own marker: readable in the file, and not read back as
// part of the answer (the JSON export keeps them in full).
const sourcesMarker = '<!-- hearth:sources -->';

export function toMarkdown(conversation: Conversation): string {
  const parts = [`# ${conversation.title}`];
  if (conversation.systemPrompt)
    parts.push(`${systemMarker}\n> **System prompt:** ${conversation.systemPrompt.replace(/\n/g, '\n> ')}`);
  for (const message of conversation.messages) {
    const heading = message.role === 'user' ? '## You' : '## Assistant';
    parts.push(`<!-- hearth:${message.role} -->\n${heading}\n\n${message.content}`);
    const sources = sourcesMarkdown(message.sources);
    if (sources) parts.push(`${sourcesMarker}\n${sources}`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** Reads a file written by `toJson` or `toMarkdown`; the result is a new conversation (new ids). */
export function parseConversationFile(text: string, fileName = ''): Conversation {
  const looksJson = fileName.endsWith('.json') || text.trimStart().startsWith('{');
  const imported = looksJson ? fromJson(text) : fromMarkdown(text);
  const now = Date.now();
  return {
    ...imported,
    id: newId(),
    updatedAt: now,
    messages: imported.messages.map((message) => ({ ...message, id: newId() })),
  };
}

function fromJson(text: string): Conversation {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new HearthError(
      'INVALID_INPUT',
      'This file is not valid JSON. Pick a conversation exported from Hearth.',
    );
  }
  const parsed = jsonFileSchema.safeParse(data);
  if (!parsed.success)
    throw new HearthError(
      'INVALID_INPUT',
      'This JSON file is not a Hearth conversation export. Pick a file saved with "Export JSON".',
      { details: parsed.error.issues.slice(0, 3) },
    );
  return parsed.data.conversation;
}

function fromMarkdown(text: string): Conversation {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const title = /^# (.+)$/.exec(lines[0] ?? '')?.[1]?.trim() ?? 'Imported chat';
  const messages: StoredMessage[] = [];
  let systemPrompt = '';
  let current: { role: 'user' | 'assistant' | 'system' | 'sources'; lines: string[] } | null = null;
  const flush = () => {
    if (!current || current.role === 'sources') return;
    const body = current.lines.join('\n').trim();
    if (current.role === 'system')
      systemPrompt = body.replace(/^> \*\*System prompt:\*\* /, '').replace(/\n> /g, '\n');
    else messages.push({ id: newId(), role: current.role, content: body, createdAt: Date.now() });
  };
  for (const line of lines.slice(1)) {
    const turn = turnMarker.exec(line);
    if (turn || line === systemMarker || line === sourcesMarker) {
      flush();
      const role = turn ? (turn[1] as 'user' | 'assistant') : line === systemMarker ? 'system' : 'sources';
      current = { role, lines: [] };
      continue;
    }
    if (!current) continue;
    // The heading under each marker is for readers of the file, not part of the message.
    if (current.lines.length === 0 && /^## (You|Assistant)$/.test(line)) continue;
    current.lines.push(line);
  }
  flush();
  if (messages.length === 0)
    throw new HearthError(
      'INVALID_INPUT',
      'No messages found in this Markdown file. Pick a conversation saved with "Export Markdown".',
    );
  const now = Date.now();
  return conversationSchema.parse({
    id: newId(),
    title,
    createdAt: now,
    updatedAt: now,
    systemPrompt,
    sampling: { ...defaultSampling },
    messages,
  });
}
