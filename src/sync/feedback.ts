/**
 * Feedback to training: a conversation the user agreed to share becomes one line of a fine-tuning dataset
 * (OpenAI's chat JSONL: `{"messages": [...], "tools"?: [...]}`), and lines are uploaded as a `fine-tune`
 * file. Uploading needs a key that may write files (`training`): a read-only adapter key is refused by the server.
 */
import { z } from 'zod';
import { abortError } from '../core/errors.ts';
import { isNetworkError, serverErrorOf, syncError } from './errors.ts';

const toolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

/** Only what training reads is kept: UI fields (ids, timestamps, ratings) are dropped by the schemas. */
const messageSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.string() }),
  z.object({
    role: z.literal('assistant'),
    content: z.string().nullable(),
    tool_calls: z.array(toolCallSchema).min(1).optional(),
    /** 0 = keep as context but do not learn from this reply (e.g. one the user marked as bad). */
    weight: z.union([z.literal(0), z.literal(1)]).optional(),
  }),
  z.object({ role: z.literal('tool'), content: z.string(), tool_call_id: z.string().min(1) }),
]);

const conversationSchema = z.object({
  messages: z.array(messageSchema).min(2),
  tools: z.array(z.record(z.string(), z.unknown())).optional(),
});

export type FeedbackMessage = z.input<typeof messageSchema>;

export interface FeedbackConversation {
  messages: readonly unknown[];
  tools?: readonly unknown[];
  /** The user's explicit agreement to send this conversation for training. Nothing else counts. */
  consent: boolean;
}

/** One JSONL line (without the newline) for a fine-tuning dataset; throws unless `consent === true`. */
export function conversationToDatasetLine(conversation: FeedbackConversation): string {
  if (conversation.consent !== true)
    throw syncError(
      'FEEDBACK_CONSENT_REQUIRED',
      'This conversation has no consent to be used for training; ask the user and pass consent: true.',
    );
  const parsed = conversationSchema.safeParse({ messages: conversation.messages, tools: conversation.tools });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw syncError(
      'FEEDBACK_INVALID',
      `The conversation cannot be a training example: ${issue?.path.join('.')}: ${issue?.message}.`,
    );
  }
  const learnable = parsed.data.messages.some(
    (m) => m.role === 'assistant' && m.weight !== 0 && ((m.content ?? '') !== '' || m.tool_calls),
  );
  if (!learnable)
    throw syncError('FEEDBACK_INVALID', 'The conversation has no assistant reply to learn from.');
  const line: { messages: unknown[]; tools?: unknown[] } = { messages: parsed.data.messages };
  if (parsed.data.tools?.length) line.tools = parsed.data.tools;
  return JSON.stringify(line);
}

export interface UploadFeedbackOptions {
  baseUrl: string;
  /** A key that may upload files (the browser's `training` key); a read-only `adapters:read` key is refused. */
  apiKey: string;
  /** Dataset lines from `conversationToDatasetLine`. */
  lines: readonly string[];
  filename?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface UploadedFeedback {
  /** The server's file id, usable as a job's `training_file`. */
  id: string;
  bytes: number;
  filename: string;
}

/** Uploads the lines as one `purpose=fine-tune` file (`POST /v1/files`). */
export async function uploadFeedback(options: UploadFeedbackOptions): Promise<UploadedFeedback> {
  if (options.lines.length === 0) throw syncError('FEEDBACK_INVALID', 'There is no feedback line to upload.');
  for (const line of options.lines)
    if (line.includes('\n'))
      throw syncError('FEEDBACK_INVALID', 'A dataset line must not contain a newline.');
  const text = options.lines.join('\n') + '\n';
  const filename =
    options.filename ?? `hearth-feedback-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob([text], { type: 'application/jsonl' }), filename);
  const url = `${options.baseUrl.replace(/\/+$/, '')}/v1/files`;
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.apiKey}` },
      body: form,
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (options.signal?.aborted) throw abortError(options.signal.reason);
    if (isNetworkError(error))
      throw syncError(
        'FEEDBACK_UPLOAD_FAILED',
        `The server at ${options.baseUrl} cannot be reached; keep the feedback and try later.`,
        { offline: true },
        error,
      );
    throw error;
  }
  if (response.ok) {
    const body = (await response.json()) as { id: string; bytes: number; filename: string };
    return { id: body.id, bytes: body.bytes, filename: body.filename };
  }
  const { message } = await serverErrorOf(response);
  const said = message ? ` The server said: ${message}` : '';
  if (response.status === 401 || response.status === 403)
    throw syncError(
      'FEEDBACK_FORBIDDEN',
      `This key may not upload training data (${response.status}).${said} Feedback needs a training key (or a full key), not the read-only adapter key.`,
    );
  throw syncError('FEEDBACK_UPLOAD_FAILED', `The feedback upload failed (HTTP ${response.status}).${said}`, {
    status: response.status,
  });
}
