import { describe, expect, it } from 'vitest';
import type { ChatCompletionRequest, SearchResult } from '../../../src/runtime/index.ts';
import { newConversation, type Conversation } from '../../../src/ui/chat/conversation.ts';
import { parseConversationFile, toJson, toMarkdown } from '../../../src/ui/chat/exchange.ts';
import { groundAnswer, type SearchPassages } from '../../../src/ui/chat/grounding.ts';

const hit = (over: Partial<SearchResult>): SearchResult => ({
  documentId: 'doc-1',
  collectionId: 'col-1',
  title: 'notes.md',
  source: 'notes.md',
  chunkSeq: 0,
  text: 'The hives sit behind the orchard.',
  start: 10,
  end: 43,
  headingPath: ['Field notes', 'Beekeeping'],
  tags: [],
  score: 0.03,
  denseRank: 1,
  lexicalRank: 1,
  ...over,
});

const request: ChatCompletionRequest = {
  messages: [
    { role: 'user', content: 'Where are the hives?' },
    { role: 'assistant', content: 'Somewhere.' },
    { role: 'user', content: 'And the honey yield?' },
  ],
  max_tokens: 64,
};

/** The store's search as recorded calls and fixed hits: the store is not the unit under test. */
function searchReturning(hits: SearchResult[]) {
  const calls: Parameters<SearchPassages>[0][] = [];
  const search: SearchPassages = async (r) => {
    calls.push(r);
    return hits;
  };
  return { calls, search };
}

describe('answers from my documents', () => {
  it('leaves the request alone when the conversation does not use documents', async () => {
    const { calls, search } = searchReturning([hit({})]);
    const off = await groundAnswer({ enabled: false, collectionId: 'col-1' }, request, 512, search);
    const noCollection = await groundAnswer({ enabled: true, collectionId: null }, request, 512, search);
    expect(off).toEqual({ request, sources: undefined });
    expect(noCollection).toEqual({ request, sources: undefined });
    expect(calls).toEqual([]);
  });

  it('searches the last question (hybrid, in the chosen collection) and numbers the passages in the system message', async () => {
    const second = hit({
      documentId: 'doc-2',
      title: 'guide.pdf',
      text: 'The ledger records the honey yield of every hive.',
      headingPath: [],
      page: 2,
      start: 0,
      end: 49,
    });
    const { calls, search } = searchReturning([hit({}), second]);
    const withPrompt = {
      ...request,
      messages: [{ role: 'system' as const, content: 'Be brief.' }, ...request.messages],
    };
    const { request: grounded, sources } = await groundAnswer(
      { enabled: true, collectionId: 'col-1' },
      withPrompt,
      4096,
      search,
    );
    expect(calls).toEqual([
      { query: 'And the honey yield?', mode: 'hybrid', k: 4, collectionIds: ['col-1'] },
    ]);
    expect(sources).toEqual([
      {
        n: 1,
        documentId: 'doc-1',
        title: 'notes.md',
        start: 10,
        end: 43,
        headingPath: ['Field notes', 'Beekeeping'],
        snippet: 'The hives sit behind the orchard.',
      },
      {
        n: 2,
        documentId: 'doc-2',
        title: 'guide.pdf',
        start: 0,
        end: 49,
        headingPath: [],
        page: 2,
        snippet: 'The ledger records the honey yield of every hive.',
      },
    ]);
    // One system message: the conversation's own prompt first, then the numbered sources.
    expect(grounded.messages.slice(1)).toEqual(request.messages);
    const system = grounded.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toMatch(/^Be brief\.\n\nAnswer from the numbered sources below\./);
    expect(system.content).toContain(
      '[1] notes.md (Field notes › Beekeeping)\nThe hives sit behind the orchard.\n\n' +
        '[2] guide.pdf (page 2)\nThe ledger records the honey yield of every hive.',
    );
    expect(grounded.max_tokens).toBe(64);
  });

  it('keeps the passages within half of a small context, in UTF-8 bytes', async () => {
    const long = (n: number) => hit({ documentId: `d${n}`, text: `Ü${'honey '.repeat(80)}` });
    const { search } = searchReturning([long(1), long(2), long(3), long(4)]);
    const contextLength = 512;
    const { request: grounded, sources } = await groundAnswer(
      { enabled: true, collectionId: 'col-1' },
      request,
      contextLength,
      search,
    );
    const system = grounded.messages[0]!.content as string;
    const passages = system.slice(system.indexOf('[1]'));
    expect(new TextEncoder().encode(passages).length).toBeLessThanOrEqual(contextLength / 2);
    expect(passages.startsWith('[1] notes.md')).toBe(true);
    // Every source found is still listed under the answer, even one whose text did not fit.
    expect(sources?.map((s) => s.n)).toEqual([1, 2, 3, 4]);
    expect(sources?.[0]?.snippet.length).toBeLessThanOrEqual(161);
  });

  it('an empty search is an empty source list (the answer says so), not an ungrounded answer', async () => {
    const { search } = searchReturning([]);
    const result = await groundAnswer({ enabled: true, collectionId: 'col-1' }, request, 512, search);
    expect(result).toEqual({ request, sources: [] });
  });

  it('sources are exported with their answer: JSON keeps them, Markdown lists them and reads the answer back without them', () => {
    const conversation = {
      ...newConversation(1),
      grounding: { enabled: true, collectionId: 'col-1' },
      messages: [
        { id: 'q', role: 'user', content: 'Where are the hives?', createdAt: 1 },
        {
          id: 'a',
          role: 'assistant',
          content: 'Behind the orchard [1].',
          createdAt: 2,
          finish: 'stop',
          sources: [
            {
              n: 1,
              documentId: 'doc-1',
              title: 'notes.md',
              start: 10,
              end: 43,
              headingPath: ['Bees'],
              page: 3,
              snippet: 'The hives…',
            },
          ],
        },
      ],
    } satisfies Conversation;
    const fromJson = parseConversationFile(toJson(conversation), 'c.json');
    expect(fromJson.grounding).toEqual({ enabled: true, collectionId: 'col-1' });
    expect(fromJson.messages[1]?.sources).toEqual(conversation.messages[1]?.sources);

    const markdown = toMarkdown(conversation);
    expect(markdown).toContain(
      '**Sources**\n\n1. notes.md (Bees, page 3): #/documents/doc-1?start=10&end=43',
    );
    const fromMarkdown = parseConversationFile(markdown, 'c.md');
    expect(fromMarkdown.messages.map((m) => m.content)).toEqual([
      'Where are the hives?',
      'Behind the orchard [1].',
    ]);
  });
});
