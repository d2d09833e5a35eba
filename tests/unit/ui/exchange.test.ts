import { describe, expect, it } from 'vitest';
import { newConversation, type Conversation } from '../../../src/ui/chat/conversation.ts';
import { parseConversationFile, toJson, toMarkdown } from '../../../src/ui/chat/exchange.ts';

function sample(): Conversation {
  const conversation = newConversation(1_000);
  conversation.title = 'Lisbon';
  conversation.systemPrompt = 'Be brief.\nUse lists.';
  conversation.sampling = { temperature: 0.2, top_p: 0.9, max_tokens: 128, seed: 7 };
  conversation.messages = [
    { id: 'a', role: 'user', content: 'Plan a day', createdAt: 1 },
    // An answer with its own headings and an HTML comment must come back whole.
    {
      id: 'b',
      role: 'assistant',
      content: '## You\n\nMorning: <!-- x --> Alfama\n\n## Assistant',
      createdAt: 2,
      finish: 'stop',
    },
  ];
  return conversation;
}

describe('conversation export and import', () => {
  it('JSON keeps everything but the ids', () => {
    const original = sample();
    const back = parseConversationFile(toJson(original), 'x.json');
    expect(back.id).not.toBe(original.id);
    expect(back.messages.map((m) => m.id)).not.toContain('a');
    expect({ ...back, id: '', updatedAt: 0, messages: back.messages.map((m) => ({ ...m, id: '' })) }).toEqual(
      {
        ...original,
        id: '',
        updatedAt: 0,
        messages: original.messages.map((m) => ({ ...m, id: '' })),
      },
    );
  });

  it('Markdown keeps the title, the system prompt and every message text', () => {
    const original = sample();
    const back = parseConversationFile(toMarkdown(original), 'x.md');
    expect(back.title).toBe('Lisbon');
    expect(back.systemPrompt).toBe('Be brief.\nUse lists.');
    expect(back.messages.map((m) => [m.role, m.content])).toEqual(
      original.messages.map((m) => [m.role, m.content]),
    );
  });

  it('refuses files that are not exports, saying what to pick', () => {
    expect(() => parseConversationFile('{"format":"other"}', 'x.json')).toThrow(
      /not a Hearth conversation export/,
    );
    expect(() => parseConversationFile('{oops', 'x.json')).toThrow(/not valid JSON/);
    expect(() => parseConversationFile('# Notes\n\nJust text.', 'x.md')).toThrow(/No messages found/);
  });
});
