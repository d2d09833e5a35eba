import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/engines/llm/contract.ts';
import { fitPrompt } from '../../../src/engines/llm/prompt/budget.ts';

/** One token per character plus 2 per message: easy to reason about. */
const encode = (messages: ChatMessage[]) =>
  messages.flatMap((m) => [0, ...Array.from(m.content ?? '', () => 1), 0]);

const conversation: ChatMessage[] = [
  { role: 'system', content: 'sys' }, // 5
  { role: 'user', content: 'aaaaaaaa' }, // 10
  { role: 'assistant', content: 'bbbbbbbb' }, // 10
  { role: 'user', content: 'cccc' }, // 6
];

describe('fitPrompt', () => {
  it('keeps a prompt that fits and clamps max_tokens to the room left', () => {
    const fitted = fitPrompt({
      messages: conversation,
      encode,
      contextLength: 40,
      maxNewTokens: 100,
      defaultReserve: 4,
      policy: 'error',
    });
    expect(fitted.ids).toHaveLength(31);
    expect(fitted.droppedMessages).toBe(0);
    expect(fitted.maxNewTokens).toBe(9);
  });

  it('refuses an overflowing prompt with CONTEXT_OVERFLOW and the numbers', () => {
    expect(() =>
      fitPrompt({
        messages: conversation,
        encode,
        contextLength: 31,
        maxNewTokens: 8,
        defaultReserve: 4,
        policy: 'error',
      }),
    ).toThrow(
      expect.objectContaining({ code: 'CONTEXT_OVERFLOW', details: { promptTokens: 31, contextLength: 31 } }),
    );
  });

  it('drops whole old turns (never the system message or the last message) to fit the reserve', () => {
    const fitted = fitPrompt({
      messages: conversation,
      encode,
      contextLength: 20,
      maxNewTokens: 8,
      defaultReserve: 4,
      policy: 'truncate-oldest',
    });
    expect(fitted.messages).toEqual([conversation[0], conversation[3]]);
    expect(fitted.droppedMessages).toBe(2);
    expect(fitted.ids).toHaveLength(11);
    expect(fitted.maxNewTokens).toBe(8);
  });

  it('does not leave a tool result or assistant turn first after truncation', () => {
    const withTools: ChatMessage[] = [
      { role: 'user', content: 'uuuuuuuuuu' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', content: 'rrrrrrrrrr', tool_call_id: '1' },
      { role: 'user', content: 'q' },
    ];
    const fitted = fitPrompt({
      messages: withTools,
      encode,
      contextLength: 10,
      maxNewTokens: 4,
      defaultReserve: 4,
      policy: 'truncate-oldest',
    });
    expect(fitted.messages).toEqual([withTools[3]]);
  });

  it('fails clearly when even the last message alone cannot fit', () => {
    expect(() =>
      fitPrompt({
        messages: conversation,
        encode,
        contextLength: 8,
        maxNewTokens: 2,
        defaultReserve: 4,
        policy: 'truncate-oldest',
      }),
    ).toThrow(expect.objectContaining({ code: 'CONTEXT_OVERFLOW' }));
  });
});
