import { z } from 'zod';
import { sourceSchema } from './citations.ts';
import { groundingSchema, noGrounding } from './grounding.ts';
import { defaultSampling, samplingSchema } from './sampling.ts';

export { defaultSampling, samplingSchema, type Sampling } from './sampling.ts';

/** What one answer ran on and how fast: all from the final chunk's `usage` and the engine's capabilities. */
export const answerStatsSchema = z.object({
  model: z.string(),
  adapter: z.string().nullable(),
  device: z.string(),
  ttftMs: z.number(),
  decodeTokS: z.number(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  cachedPromptTokens: z.number().int().nonnegative(),
  totalMs: z.number(),
});

export const messageSchema = z.object({
  id: z.string().min(1),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  createdAt: z.number(),
  /** Assistant only: how the answer ended (`abort` after Stop) and what it cost. */
  finish: z.enum(['stop', 'length', 'tool_calls', 'abort', 'error']).optional(),
  error: z.string().optional(),
  stats: answerStatsSchema.optional(),
  /** Assistant only, when the conversation uses documents: the numbered passages it was given to cite. */
  sources: z.array(sourceSchema).optional(),
});

export const conversationSchema = z.object({
  id: z.string().min(1),
  title: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  systemPrompt: z.string(),
  sampling: samplingSchema,
  adapter: z.string().nullable().default(null),
  grounding: groundingSchema.default(() => ({ ...noGrounding })),
  messages: z.array(messageSchema),
  /** Tokens the last exchange used (prompt + answer), for the context meter. */
  contextTokens: z.number().int().nonnegative().default(0),
  /** The first message the model read in the last answer; those before it no longer fit the context. */
  contextStart: z.string().nullable().default(null),
});

export type AnswerStats = z.infer<typeof answerStatsSchema>;
export type StoredMessage = z.infer<typeof messageSchema>;
export type Conversation = z.infer<typeof conversationSchema>;

export function newId(): string {
  return crypto.randomUUID();
}

export function newConversation(now = Date.now()): Conversation {
  return {
    id: newId(),
    title: 'New chat',
    createdAt: now,
    updatedAt: now,
    systemPrompt: '',
    sampling: { ...defaultSampling },
    adapter: null,
    grounding: { ...noGrounding },
    messages: [],
    contextTokens: 0,
    contextStart: null,
  };
}

/** A title from the first question: its first line, cut at a word near 48 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  if (line.length <= 48) return line || 'New chat';
  const cut = line.slice(0, 48);
  const space = cut.lastIndexOf(' ');
  return `${space > 24 ? cut.slice(0, space) : cut}…`;
}

/** Case-insensitive match on the title and every message. */
export function matches(conversation: Conversation, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (!needle) return true;
  return (
    conversation.title.toLowerCase().includes(needle) ||
    conversation.messages.some((message) => message.content.toLowerCase().includes(needle))
  );
}
