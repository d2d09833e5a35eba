import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { HearthError, throwIfAborted } from '../../core/errors.ts';

export interface InspectedContent {
  byteLength: number;
  /** SHA-256 of the bytes, hex: the identity used to avoid storing the same content twice. */
  contentHash: string;
}

/** Share of C0 control characters (other than tab, newlines, form feed) above which text is junk. */
const MAX_CONTROL_SHARE = 0.01;

/**
 * The first pass over a document: refuses what cannot be ingested (empty, over the cap, binary,
 * not UTF-8) before anything is written, and hashes it. Reads the content as a stream, so memory
 * stays bounded whatever its size.
 */
export async function inspectContent(
  content: Blob,
  options: { maxBytes: number; signal?: AbortSignal },
): Promise<InspectedContent> {
  checkSize(content, options.maxBytes);
  const hash = sha256.create();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let chars = 0;
  let controls = 0;
  let hasText = false;
  for await (const value of readChunks(content, options.signal)) {
    if (value.includes(0)) throw binaryError();
    hash.update(value);
    const text = decodeOrThrow(decoder, value);
    chars += text.length;
    // eslint-disable-next-line no-control-regex
    controls += text.match(/[\u0000-\u0008\u000e-\u001f\u007f]/g)?.length ?? 0;
    if (!hasText && /\S/u.test(text)) hasText = true;
  }
  decodeOrThrow(decoder, undefined);
  if (controls > chars * MAX_CONTROL_SHARE) throw binaryError();
  if (!hasText) throw emptyError();
  return { byteLength: content.size, contentHash: bytesToHex(hash.digest()) };
}

/** Refuses content over the size cap before any of it is read. */
export function checkSize(content: Blob, maxBytes: number): void {
  if (content.size > maxBytes) {
    throw new HearthError(
      'RAG_DOCUMENT_TOO_LARGE',
      `This document is ${formatMb(content.size)}; the limit is ${formatMb(maxBytes)}. Split it into smaller files or raise the limit (maxDocumentBytes).`,
      { details: { byteLength: content.size, maxBytes } },
    );
  }
}

/**
 * The first pass over a binary document (a PDF): the size cap and the hash. Whether it holds text
 * is only known once it is parsed.
 */
export async function inspectBinary(
  content: Blob,
  options: { maxBytes: number; signal?: AbortSignal },
): Promise<InspectedContent> {
  checkSize(content, options.maxBytes);
  if (content.size === 0) throw emptyError();
  const hash = sha256.create();
  for await (const value of readChunks(content, options.signal)) hash.update(value);
  return { byteLength: content.size, contentHash: bytesToHex(hash.digest()) };
}

function emptyError(): HearthError {
  return new HearthError(
    'RAG_EMPTY_DOCUMENT',
    'This document has no text to index. Check that the right file was chosen.',
  );
}

function decodeOrThrow(decoder: TextDecoder, bytes: Uint8Array | undefined): string {
  try {
    return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  } catch (error) {
    throw new HearthError(
      'RAG_INVALID_UTF8',
      'This document is not valid UTF-8 text. Save it as UTF-8 (or convert it) and add it again.',
      { cause: error },
    );
  }
}

function binaryError(): HearthError {
  return new HearthError(
    'RAG_BINARY_CONTENT',
    'This file looks like binary data, not text, even though its type says text. Choose a text, Markdown or HTML file.',
  );
}

function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The document's text as it is decoded, piece by piece (content already passed inspectContent). */
export async function* decodeText(content: Blob, signal?: AbortSignal): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const value of readChunks(content, signal)) {
    const text = decoder.decode(value, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * The content's bytes as its stream gives them, checking `signal` before each read; the reader's
 * lock is released however the loop ends (done, break or throw).
 */
async function* readChunks(content: Blob, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const reader = content.stream().getReader();
  try {
    while (true) {
      throwIfAborted(signal);
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
