import { z } from 'zod';
import type { ChatCompletionRequest, SearchResult } from '../../runtime/index.ts';
import { getHearth } from '../hearth-instance.ts';
import { sourcePlace, type Source } from './citations.ts';

/** "Use my documents", per conversation: on or off, and which collection answers come from. */
export const groundingSchema = z.object({
  enabled: z.boolean(),
  collectionId: z.string().nullable(),
});

export type Grounding = z.infer<typeof groundingSchema>;

export const noGrounding: Grounding = { enabled: false, collectionId: null };

/** How many passages a question is answered from. */
export const passagesPerQuestion = 4;

/** The store's search, as grounding needs it (the runtime's `rag.search`). */
export type SearchPassages = (request: {
  query: string;
  mode: 'hybrid';
  k: number;
  collectionIds: string[];
}) => Promise<SearchResult[]>;

const snippetLength = 160;
const encoder = new TextEncoder();

/** A source found for a question, with its whole text for the prompt (the answer keeps a snippet). */
export interface FoundPassage {
  source: Source;
  text: string;
}

/**
 * Searches the conversation's collection (hybrid: BM25 and vectors fused) for the question and
 * numbers the best passages. Undefined when the conversation does not use documents; an empty list
 * when nothing matched.
 */
export async function findPassages(
  grounding: Grounding,
  question: string,
  search: SearchPassages,
): Promise<FoundPassage[] | undefined> {
  if (!grounding.enabled || !grounding.collectionId || !question.trim()) return undefined;
  const hits = await search({
    query: question,
    mode: 'hybrid',
    k: passagesPerQuestion,
    collectionIds: [grounding.collectionId],
  });
  return numberPassages(hits);
}

/** Search hits as sources numbered from 1 in rank order, each with a snippet and its whole text. */
export function numberPassages(hits: readonly SearchResult[]): FoundPassage[] {
  return hits.map((hit, index) => ({
    source: {
      n: index + 1,
      documentId: hit.documentId,
      title: hit.title,
      start: hit.start,
      end: hit.end,
      headingPath: hit.headingPath,
      ...(hit.page === undefined ? {} : { page: hit.page }),
      snippet: clip(hit.text, snippetLength),
    },
    text: hit.text,
  }));
}

/**
 * The request with the sources in its system message, numbered as the answer shows them, after the
 * conversation's own system prompt. The passages take at most half of the context: a token of a
 * byte-level or SentencePiece vocabulary covers at least one UTF-8 byte, so `contextLength / 2`
 * bytes of passages never need more than half the context, and the question and the answer keep the
 * rest. A passage that does not fit is cut at that many bytes (the last ones are cut first).
 */
export function groundedRequest(
  request: ChatCompletionRequest,
  passages: readonly FoundPassage[],
  contextLength: number,
): ChatCompletionRequest {
  if (passages.length === 0) return request;
  // An engine that reports no finite context gets the budget of a small one.
  let budget = Math.floor((Number.isFinite(contextLength) && contextLength > 0 ? contextLength : 4096) / 2);
  const blocks: string[] = [];
  for (const { source, text } of passages) {
    const place = sourcePlace(source);
    const head = `[${source.n}] ${source.title}${place ? ` (${place})` : ''}\n`;
    const block = cutToBytes(head + text, budget);
    if (!block) break;
    blocks.push(block);
    budget -= encoder.encode(block).length + 2;
  }
  const instructions =
    'Answer from the numbered sources below. After each statement taken from a source, cite it as [n]. ' +
    'If the sources do not hold the answer, say so.';
  const grounding = `${instructions}\n\n${blocks.join('\n\n')}`;
  const [first, ...rest] = request.messages;
  const messages =
    first?.role === 'system'
      ? [{ role: 'system' as const, content: `${first.content}\n\n${grounding}` }, ...rest]
      : [{ role: 'system' as const, content: grounding }, ...request.messages];
  return { ...request, messages };
}

function clip(text: string, length: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${space > length / 2 ? cut.slice(0, space) : cut}…`;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes, cut between characters. */
function cutToBytes(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  if (encoder.encode(text).length <= bytes) return text;
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (used + size > bytes) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Searches the app's document store (the runtime starts it, and the embedder, on first use). */
const searchMyDocuments: SearchPassages = async (request) => (await getHearth()).rag.search(request);

/**
 * What an answer is asked with when its conversation uses documents: the request with the sources
 * of its last question, and those sources to store with the answer (undefined when documents are off).
 */
export async function groundAnswer(
  grounding: Grounding,
  request: ChatCompletionRequest,
  contextLength: number,
  search: SearchPassages = searchMyDocuments,
): Promise<{ request: ChatCompletionRequest; sources: Source[] | undefined }> {
  const question = request.messages.findLast((m) => m.role === 'user')?.content ?? '';
  const passages = await findPassages(grounding, question, search);
  if (!passages) return { request, sources: undefined };
  return {
    request: groundedRequest(request, passages, contextLength),
    sources: passages.map((passage) => passage.source),
  };
}
