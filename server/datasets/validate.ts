/**
 * Validates a chat fine-tuning dataset before any job starts, as OpenAI does: JSONL of `{"messages": [...]}`,
 * known roles and keys, at least one assistant message per example, the base model's per-example token limit,
 * and at least MIN_EXAMPLES examples. Every bad line is reported with its number and reason.
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import type { ChatExample } from '../models/catalog.ts';
import type { TokenBounds } from './chat-tokens.ts';

export const MIN_EXAMPLES = 10;
/** A report stops listing lines after this many (it still counts them), so a broken 100 MB file stays small. */
const MAX_REPORTED_LINES = 1000;
/** Validation runs in a worker; it still yields this often so a cancel message reaches it promptly. */
const YIELD_EVERY_MS = 10;

export type LineErrorCode =
  | 'invalid_utf8'
  | 'empty_line'
  | 'invalid_json'
  | 'not_an_object'
  | 'unknown_key'
  | 'missing_messages'
  | 'invalid_message'
  | 'invalid_role'
  | 'unknown_message_key'
  | 'invalid_content'
  | 'no_assistant_message'
  | 'too_many_tokens'
  | 'line_too_long';

export interface LineError {
  line: number;
  code: LineErrorCode;
  message: string;
}

export interface DatasetReport {
  valid: boolean;
  examples: number;
  bad_lines: number;
  /**
   * At most this many tokens in the valid examples: exact for examples that had to be tokenized, the upper
   * bound (the rendered text's byte length) for those whose length alone proves they fit.
   */
  total_tokens: number;
  errors: LineError[];
  /** Problems with the file as a whole (too few examples). */
  file_errors: Array<{ code: string; message: string }>;
}

const EXAMPLE_KEYS = new Set(['messages', 'tools', 'parallel_tool_calls']);
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const MESSAGE_KEYS = new Set(['role', 'content', 'name', 'weight', 'tool_calls', 'tool_call_id']);

type LineResult = { example: ChatExample } | { code: LineErrorCode; message: string };

function checkMessage(message: unknown, index: number): { code: LineErrorCode; message: string } | null {
  const where = `messages[${index}]`;
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { code: 'invalid_message', message: `${where} is not an object.` };
  const record = message as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (!MESSAGE_KEYS.has(key))
      return { code: 'unknown_message_key', message: `${where} has an unknown key '${key}'.` };
  if (typeof record.role !== 'string' || !ROLES.has(record.role))
    return {
      code: 'invalid_role',
      message: `${where}.role is ${JSON.stringify(record.role)}; use one of ${[...ROLES].join(', ')}.`,
    };
  const hasToolCalls =
    record.role === 'assistant' && Array.isArray(record.tool_calls) && record.tool_calls.length > 0;
  const content = record.content;
  const contentOk =
    typeof content === 'string' ||
    (Array.isArray(content) &&
      content.every((part) => typeof (part as { text?: unknown })?.text === 'string')) ||
    ((content === null || content === undefined) && hasToolCalls);
  if (!contentOk) return { code: 'invalid_content', message: `${where}.content must be a string.` };
  if (record.weight !== undefined && record.weight !== 0 && record.weight !== 1)
    return { code: 'invalid_message', message: `${where}.weight must be 0 or 1.` };
  return null;
}

function checkLine(text: string): LineResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { code: 'invalid_json', message: `The line is not valid JSON (${(error as Error).message}).` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { code: 'not_an_object', message: 'The line must be a JSON object with a "messages" array.' };
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (!EXAMPLE_KEYS.has(key))
      return {
        code: 'unknown_key',
        message: `Unknown key '${key}'; only "messages" and "tools" are allowed.`,
      };
  if (!Array.isArray(record.messages) || record.messages.length === 0)
    return { code: 'missing_messages', message: 'The example needs a non-empty "messages" array.' };
  for (const [index, message] of record.messages.entries()) {
    const problem = checkMessage(message, index);
    if (problem) return problem;
  }
  if (!record.messages.some((message) => (message as { role: string }).role === 'assistant'))
    return { code: 'no_assistant_message', message: 'The example has no assistant message to learn from.' };
  return { example: { messages: record.messages as ChatExample['messages'], tools: record.tools } };
}

/** No chat example needs more: a longer line is refused unread, so one line costs at most this much memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A line longer than MAX_LINE_BYTES: its bytes were skipped, not kept. */
const TOO_LONG = Symbol('too long');

/**
 * Yields the file's lines as raw bytes (split on `\n`, a trailing `\r` dropped), never holding the whole file:
 * a line's pieces are gathered and joined once (linear in its length), and a line past MAX_LINE_BYTES is
 * skipped to its end.
 */
async function* rawLines(filePath: string, signal?: AbortSignal): AsyncGenerator<Buffer | typeof TOO_LONG> {
  let pieces: Buffer[] = [];
  let pending = 0;
  let tooLong = false;
  for await (const chunk of fs.createReadStream(filePath, {
    highWaterMark: 1 << 20,
    signal,
  }) as AsyncIterable<Buffer>) {
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf(0x0a, start)) !== -1) {
      if (tooLong || pending + newline - start > MAX_LINE_BYTES) yield TOO_LONG;
      else if (pending === 0) yield stripCr(chunk.subarray(start, newline));
      else yield stripCr(Buffer.concat([...pieces, chunk.subarray(start, newline)]));
      pieces = [];
      pending = 0;
      tooLong = false;
      start = newline + 1;
    }
    if (start < chunk.length && !tooLong) {
      pending += chunk.length - start;
      if (pending > MAX_LINE_BYTES) {
        tooLong = true;
        pieces = [];
      } else pieces.push(chunk.subarray(start));
    }
  }
  if (tooLong) yield TOO_LONG;
  else if (pending) yield stripCr(Buffer.concat(pieces));
}

const stripCr = (line: Buffer): Buffer => (line.at(-1) === 0x0d ? line.subarray(0, -1) : line);

export interface ValidateOptions {
  maxTokens: number;
  tokens: {
    count(example: ChatExample): number;
    bounds?(example: ChatExample): TokenBounds | null;
  };
  minExamples?: number;
  signal?: AbortSignal;
}

/** Tokens of a valid example (exact or an upper bound), or the proof that it has too many. */
function tokensOf(
  example: ChatExample,
  options: ValidateOptions,
): { fits: true; tokens: number } | { fits: false; message: string } {
  // Tokenizing costs about a millisecond per example; the bounds let almost every line skip it.
  const bounds = options.tokens.bounds?.(example);
  if (bounds && bounds.atMost <= options.maxTokens) return { fits: true, tokens: bounds.atMost };
  if (bounds && bounds.atLeast > options.maxTokens)
    return {
      fits: false,
      message: `The example has at least ${bounds.atLeast} tokens; the base model takes at most ${options.maxTokens}.`,
    };
  const tokens = options.tokens.count(example);
  if (tokens <= options.maxTokens) return { fits: true, tokens };
  return {
    fits: false,
    message: `The example has ${tokens} tokens; the base model takes at most ${options.maxTokens}.`,
  };
}

/** A report before any line is read: not valid, nothing counted. */
export const emptyReport = (): DatasetReport => ({
  valid: false,
  examples: 0,
  bad_lines: 0,
  total_tokens: 0,
  errors: [],
  file_errors: [],
});

/** Streams the file line by line, so a large dataset costs only one line of memory. */
export async function validateDataset(filePath: string, options: ValidateOptions): Promise<DatasetReport> {
  const report = emptyReport();
  const fail = (line: number, code: LineErrorCode, message: string) => {
    report.bad_lines++;
    if (report.errors.length < MAX_REPORTED_LINES) report.errors.push({ line, code, message });
  };
  let lineNumber = 0;
  // Empty lines are reported only once a later line has content: trailing newlines are harmless.
  const emptyLines: number[] = [];
  // Long validations give the event loop back every few milliseconds, so the API stays responsive meanwhile.
  let sliceStart = performance.now();
  for await (const bytes of rawLines(filePath, options.signal)) {
    lineNumber++;
    if (performance.now() - sliceStart > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      sliceStart = performance.now();
    }
    if (bytes === TOO_LONG) {
      fail(
        lineNumber,
        'line_too_long',
        `The line is longer than ${MAX_LINE_BYTES} bytes; no example needs that much. Split or shorten it.`,
      );
      continue;
    }
    if (!isUtf8(bytes)) {
      fail(lineNumber, 'invalid_utf8', 'The line is not valid UTF-8; save the file as UTF-8.');
      continue;
    }
    // A byte order mark is dropped (editors write one at the start of the file).
    const text = bytes.toString('utf8', bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
    if (text.trim() === '') {
      emptyLines.push(lineNumber);
      continue;
    }
    for (const empty of emptyLines.splice(0)) fail(empty, 'empty_line', 'The line is empty; remove it.');
    const result = checkLine(text);
    if ('code' in result) {
      fail(lineNumber, result.code, result.message);
      continue;
    }
    const tokens = tokensOf(result.example, options);
    if (!tokens.fits) {
      fail(lineNumber, 'too_many_tokens', tokens.message);
      continue;
    }
    report.examples++;
    report.total_tokens += tokens.tokens;
  }
  const minExamples = options.minExamples ?? MIN_EXAMPLES;
  if (report.examples < minExamples)
    report.file_errors.push({
      code: 'too_few_examples',
      message: `The file has ${report.examples} valid examples; at least ${minExamples} are needed.`,
    });
  report.valid = report.bad_lines === 0 && report.file_errors.length === 0;
  return report;
}
