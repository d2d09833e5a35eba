import { z } from 'zod';
import type { SearchRequest, SearchResult } from '../../rag/index.ts';
import type { AgentTool } from '../tool.ts';
import { defineTool } from '../tools/define-tool.ts';
import { evaluateExpression, MAX_EXPRESSION_LENGTH } from './expression.ts';

/** What `search_documents` needs of the RAG store: its search (the runtime passes `hearth.rag`). */
export interface DocumentSearch {
  search(request: SearchRequest): Promise<SearchResult[]>;
}

export const calculatorTool = defineTool({
  name: 'calculator',
  description:
    'Evaluates an arithmetic expression exactly as written: + - * / % ^, parentheses, sqrt, abs, round, floor, ceil, min, max, ln, log, exp, sin, cos, tan, pi, e.',
  parameters: z.object({
    expression: z.string().min(1).max(MAX_EXPRESSION_LENGTH).describe('For example: (17 + 4) * 3 / 7'),
  }),
  idempotent: true,
  timeoutMs: 1_000,
  source: { kind: 'builtin' },
  execute: ({ expression }) => {
    const value = evaluateExpression(expression);
    if (!Number.isFinite(value))
      return { expression, error: `The result is not a finite number (${value}).` };
    return { expression, value };
  },
});

export const currentTimeTool = defineTool({
  name: 'current_time',
  description: "The current date and time, in the device's time zone or the IANA time zone given.",
  parameters: z.object({
    timeZone: z
      .string()
      .max(64)
      .optional()
      .describe('An IANA time zone such as Europe/Paris; default: this device’s'),
  }),
  idempotent: true,
  timeoutMs: 1_000,
  source: { kind: 'builtin' },
  execute: ({ timeZone }) => {
    const now = new Date();
    const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      dateStyle: 'full',
      timeStyle: 'long',
    }).format(now); // throws RangeError on an unknown zone: the model reads it
    return { iso: now.toISOString(), timeZone: zone, local };
  },
});

/** Searches the user's documents (hybrid search) and returns numbered passages to cite as [n]. */
export function searchDocumentsTool(rag: DocumentSearch): AgentTool {
  return defineTool({
    name: 'search_documents',
    description:
      "Searches the user's documents and returns the best passages, numbered: cite them as [1], [2] with their titles.",
    parameters: z.object({
      query: z.string().min(1).max(500),
      k: z.number().int().min(1).max(10).default(4),
      collectionIds: z.array(z.string()).max(20).optional(),
    }),
    idempotent: true,
    source: { kind: 'builtin' },
    execute: async ({ query, k, collectionIds }, { signal }) => {
      const results = await rag.search({ query, k, ...(collectionIds ? { collectionIds } : {}) });
      signal.throwIfAborted();
      return {
        query,
        passages: results.map((r, i) => ({
          n: i + 1,
          title: r.title,
          source: r.source,
          documentId: r.documentId,
          start: r.start,
          end: r.end,
          ...(r.page !== undefined ? { page: r.page } : {}),
          ...(r.headingPath.length ? { section: r.headingPath.join(' › ') } : {}),
          text: r.text.length > 1_200 ? `${r.text.slice(0, 1_200)}…` : r.text,
        })),
      };
    },
  });
}
