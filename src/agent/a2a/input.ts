/** What callers hand the bridge, checked before anything goes on the wire. */
import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';
import type { A2AConnectOptions, A2AInput, A2APart } from './types.ts';

const httpUrl = z
  .string()
  .url("give the agent's address, e.g. https://agent.example.com")
  .refine((url) => /^https?:\/\//i.test(url), 'the address must start with http:// or https://');

const partSchema = z.union([
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({
    kind: z.literal('file'),
    bytes: z.instanceof(Uint8Array),
    name: z.string().optional(),
    mediaType: z.string().optional(),
  }),
  z.object({
    kind: z.literal('file'),
    url: httpUrl,
    name: z.string().optional(),
    mediaType: z.string().optional(),
  }),
  z.object({ kind: z.literal('data'), data: z.unknown() }),
]);

const inputSchema = z.union([
  z.string().min(1, 'the message is empty'),
  z.object({
    parts: z.array(partSchema).min(1, 'a message needs at least one part'),
    contextId: z.string().min(1).optional(),
    taskId: z.string().min(1).optional(),
  }),
]);

const connectSchema = z.object({
  url: httpUrl,
  allowedOrigins: z.array(httpUrl).default([]),
  headers: z.record(z.string(), z.string()).default({}),
  idleTimeoutMs: z.number().int().positive().optional(),
  maxReconnects: z.number().int().min(0).max(20).default(3),
  reconnectDelayMs: z.number().int().min(0).max(60_000).default(250),
});

export interface NormalizedInput {
  parts: A2APart[];
  contextId?: string;
  taskId?: string;
}

export type CheckedConnectOptions = Omit<A2AConnectOptions, 'allowedOrigins'> &
  z.infer<typeof connectSchema> & { allowedOrigins: string[] };

function invalid(what: string, error: z.ZodError): HearthError {
  const issue = error.issues[0];
  const path = issue?.path.length ? ` (${issue.path.join('.')})` : '';
  return new HearthError('INVALID_INPUT', `${what}${path}: ${issue?.message ?? 'invalid'}`);
}

export function checkInput(input: A2AInput): NormalizedInput {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw invalid('The message for the A2A agent is not valid', parsed.error);
  const value = parsed.data;
  return typeof value === 'string' ? { parts: [{ kind: 'text', text: value }] } : (value as NormalizedInput);
}

export function checkConnectOptions(url: string, options: A2AConnectOptions = {}): CheckedConnectOptions {
  const parsed = connectSchema.safeParse({ ...options, url });
  if (!parsed.success) throw invalid('The A2A agent settings are not valid', parsed.error);
  return {
    ...options,
    ...parsed.data,
    allowedOrigins: parsed.data.allowedOrigins.map((origin) => new URL(origin).origin),
  };
}
