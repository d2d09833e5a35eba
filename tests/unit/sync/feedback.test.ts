/** Feedback to training: consent, the dataset line's shape, and uploads against the real server's scopes. */
import { describe, expect, it } from 'vitest';
import { conversationToDatasetLine, uploadFeedback } from '../../../src/sync/index.ts';
import { api } from '../server/helpers.ts';
import { useTestServer } from '../server/use-test-server.ts';

const server = useTestServer();

const chat = [
  { role: 'system', content: 'You talk like a pirate.', id: 'm0', createdAt: 1 },
  { role: 'user', content: 'Find notes about the sea.', id: 'm1' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'search_index', arguments: '{"query":"sea"}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: 'The sea is wide.' },
  { role: 'assistant', content: 'The sea be wide, arr.', rating: 'up' },
];

describe('feedback', () => {
  it('needs explicit consent', () => {
    for (const consent of [false, undefined, 'yes'])
      expect(() => conversationToDatasetLine({ messages: chat, consent: consent as boolean })).toThrow(
        expect.objectContaining({ code: 'FEEDBACK_CONSENT_REQUIRED' }),
      );
  });

  it('turns a conversation into one OpenAI chat JSONL line, dropping UI fields', () => {
    const tools = [{ type: 'function', function: { name: 'search_index', parameters: { type: 'object' } } }];
    const line = conversationToDatasetLine({ messages: chat, tools, consent: true });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      messages: [
        { role: 'system', content: 'You talk like a pirate.' },
        { role: 'user', content: 'Find notes about the sea.' },
        { role: 'assistant', content: null, tool_calls: chat[2]!.tool_calls },
        { role: 'tool', tool_call_id: 'call_1', content: 'The sea is wide.' },
        { role: 'assistant', content: 'The sea be wide, arr.' },
      ],
      tools,
    });
  });

  it('refuses conversations that cannot teach anything', () => {
    const cases = [
      [{ role: 'user', content: 'hi' }],
      [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'bad answer', weight: 0 },
      ],
      [
        { role: 'wizard', content: 'hi' },
        { role: 'assistant', content: 'x' },
      ],
    ];
    for (const messages of cases)
      expect(() => conversationToDatasetLine({ messages, consent: true })).toThrow(
        expect.objectContaining({ code: 'FEEDBACK_INVALID' }),
      );
  });

  it('uploads with a key that may write files, and the read-only browser key is refused', async () => {
    const line = conversationToDatasetLine({ messages: chat, consent: true });
    const denied = await uploadFeedback({
      baseUrl: server.url,
      apiKey: server.keyFor('alpha', 'adapters:read'),
      lines: [line],
    }).catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: 'FEEDBACK_FORBIDDEN' });
    const uploaded = await uploadFeedback({ baseUrl: server.url, apiKey: server.key, lines: [line, line] });
    expect(uploaded.id).toMatch(/^file-/);
    expect(uploaded.bytes).toBe(2 * (line.length + 1));
    const { body } = await api<{ purpose: string; filename: string }>(
      server,
      server.key,
      'GET',
      `/v1/files/${uploaded.id}`,
    );
    expect(body).toMatchObject({ purpose: 'fine-tune', filename: uploaded.filename });
  });
});
