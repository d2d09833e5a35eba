/**
 * Renders a chat example with the base model's chat template, as the trainer does before tokenizing. Jinja
 * costs tens of microseconds per example, more than everything else validation does; for templates that only
 * print a message's content verbatim (and test whether it is empty), an example's text is the render of its
 * skeleton (every content replaced by a placeholder) with the contents put back, and a dataset has few
 * skeletons: one render per skeleton, then string splicing per line.
 */
import crypto from 'node:crypto';
import { Template } from '@huggingface/jinja';
import type { ChatExample } from '../models/catalog.ts';

/**
 * SHA-256 of chat templates read line by line and found to use `content` only as `{{ ... + content + ... }}`
 * output or an `{% if content %}` test, never inspected, filtered, measured or serialized: for these, splicing
 * is exact (tests compare it with Jinja). Any other template is rendered by Jinja for every example.
 */
const VERBATIM_CONTENT_TEMPLATES = new Set([
  // public/models/hearth-demo/tiny-llama-chat: ChatML with Hermes-style tool calls.
  '9167a896997dbe06cef8aeb1c46064372faeac5e7ad3f720c4c39067ef26f280',
]);

/** Distinct skeletons kept; a dataset of varied tool definitions may have many, and each is a few KB. */
const MAX_SKELETONS = 512;

export interface ChatSpecials {
  bos_token: string;
  eos_token: string;
}

export interface ChatRenderer {
  /** The text the trainer tokenizes: always Jinja's render. */
  render(example: ChatExample): string;
  /** The same text as render(example), spliced from a cached skeleton when the template allows it. */
  text(example: ChatExample): string;
  /** UTF-8 bytes of NFC(render(example)), from a cached skeleton when the template allows it. */
  nfcBytes(example: ChatExample): number;
}

const placeholder = (index: number) => `\uE000${index}\uE001`;
const PLACEHOLDER = /\uE000(\d+)\uE001/;

export function createChatRenderer(chatTemplate: string | undefined, specials: ChatSpecials): ChatRenderer {
  const template = chatTemplate ? new Template(chatTemplate) : null;
  const render = (example: ChatExample): string =>
    template
      ? template.render({
          messages: example.messages,
          tools: example.tools,
          add_generation_prompt: false,
          ...specials,
        })
      : example.messages
          .map((message) => `${String(message.role)}: ${String(message.content ?? '')}\n`)
          .join('');
  const verbatim =
    !!chatTemplate &&
    VERBATIM_CONTENT_TEMPLATES.has(crypto.createHash('sha256').update(chatTemplate).digest('hex'));
  const nfcBytesOf = (text: string) => Buffer.byteLength(text.normalize('NFC'));
  if (!verbatim) return { render, text: render, nfcBytes: (example) => nfcBytesOf(render(example)) };

  /** Literal pieces alternating with content indices ([text, index, text, ..., text]), and their bytes. */
  const skeletons = new Map<string, { pieces: Array<string | number>; literalBytes: number; nfc: boolean }>();
  const skeletonOf = (key: string, skeleton: ChatExample) => {
    const pieces = render(skeleton)
      .split(PLACEHOLDER)
      .map((piece, i) => (i % 2 ? Number(piece) : piece));
    const literals = pieces.filter((piece): piece is string => typeof piece === 'string');
    const entry = {
      pieces,
      literalBytes: literals.reduce((sum, piece) => sum + Buffer.byteLength(piece), 0),
      // ASCII literals are NFC and safe boundaries: with ASCII contents the whole text is then NFC as it is.
      nfc: literals.every((piece) => Buffer.byteLength(piece) === piece.length),
    };
    if (skeletons.size >= MAX_SKELETONS) skeletons.clear();
    skeletons.set(key, entry);
    return entry;
  };
  const withPlaceholders = (example: ChatExample): ChatExample => {
    let index = 0;
    return {
      tools: example.tools,
      messages: example.messages.map((message) =>
        message.content ? { ...message, content: placeholder(index++) } : message,
      ),
    };
  };
  /**
   * What the template may look at besides the contents: for plain `{role, content}` messages without tools
   * (most datasets), the roles and which contents are empty; otherwise the whole skeleton.
   */
  const keyOf = (example: ChatExample): string => {
    let key = '';
    for (const message of example.messages) {
      if (
        example.tools !== undefined ||
        Object.keys(message).length !== 2 ||
        typeof message.content !== 'string'
      )
        return '\u0000' + JSON.stringify(withPlaceholders(example));
      // NUL ends each role: no role can then run into the next message's marker.
      key += `${message.content ? '+' : '-'}${String(message.role)}\u0000`;
    }
    return key;
  };
  /** The example's skeleton and its non-empty contents, or null when a content is not a string. */
  const split = (example: ChatExample) => {
    const contents: string[] = [];
    for (const { content } of example.messages) {
      if (typeof content === 'string') {
        if (content) contents.push(content);
      } else if (content !== undefined && content !== null) return null; // content parts
    }
    const key = keyOf(example);
    return { skeleton: skeletons.get(key) ?? skeletonOf(key, withPlaceholders(example)), contents };
  };
  const splice = (pieces: Array<string | number>, contents: string[]): string => {
    let text = '';
    for (const piece of pieces) text += typeof piece === 'number' ? contents[piece] : piece;
    return text;
  };
  const text = (example: ChatExample): string => {
    const parts = split(example);
    return parts ? splice(parts.skeleton.pieces, parts.contents) : render(example);
  };
  const nfcBytes = (example: ChatExample): number => {
    const parts = split(example);
    if (!parts) return nfcBytesOf(render(example));
    const { skeleton, contents } = parts;
    let bytes = skeleton.literalBytes;
    let ascii = skeleton.nfc;
    for (const piece of skeleton.pieces) {
      if (typeof piece !== 'number') continue;
      const content = contents[piece]!;
      const length = Buffer.byteLength(content);
      if (length !== content.length) ascii = false;
      bytes += length;
    }
    return ascii ? bytes : nfcBytesOf(splice(skeleton.pieces, contents));
  };
  return { render, text, nfcBytes };
}
