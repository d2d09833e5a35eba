import { Marked, type Token, type Tokens } from 'marked';
import { escapeHtml, highlight, isHighlighted } from './highlight.ts';
import { sanitize, type SafeHtml } from './sanitize.ts';

/*
 * The Markdown renderer, loaded when the first answer renders (marked, highlight.js and DOMPurify
 * stay out of the shell's first load). Output is always sanitised here; callers assign it as is.
 */

/** While streaming, code not yet highlighted is shown plain and listed here, to highlight in a task of its own. */
let unhighlighted: Array<{ code: string; lang: string }> | null = null;

const marked = new Marked({
  gfm: true,
  renderer: {
    code(token: Tokens.Code): string {
      const lang = (token.lang ?? '')
        .split(/\s/)[0]!
        .replace(/[^\w+#-]/g, '')
        .toLowerCase();
      let body: string;
      if (unhighlighted && !isHighlighted(token.text, lang)) {
        // An open fence grows every frame: highlight it once it has closed, and not in the same task.
        if (fenceClosed(token.raw)) unhighlighted.push({ code: token.text, lang });
        body = escapeHtml(token.text);
      } else body = highlight(token.text, lang);
      const label = escapeHtml(lang || 'text');
      return (
        `<div class="code-block"><div class="code-head"><span class="code-lang">${label}</span>` +
        `<button type="button" class="copy-code" data-copy-code="" aria-label="Copy code">Copy</button></div>` +
        `<pre><code class="hljs">${body}</code></pre></div>`
      );
    },
  },
});

function fenceClosed(raw: string): boolean {
  const opening = /^ {0,3}(`{3,}|~{3,})/.exec(raw);
  if (!opening) return true;
  const lines = raw.trimEnd().split('\n');
  if (lines.length < 2) return false;
  const closing = /^ {0,3}(`+|~+)\s*$/.exec(lines.at(-1)!);
  return closing !== null && closing[1]![0] === opening[1]![0] && closing[1]!.length >= opening[1]!.length;
}

/**
 * Sanitised HTML of finished blocks, by their HTML: a code block highlighted while streaming comes
 * out of the final full parse as the same HTML, and is not sanitised twice.
 */
const sanitized = new Map<string, SafeHtml>();

function sanitizeOnce(html: string): SafeHtml {
  const hit = sanitized.get(html);
  if (hit !== undefined) return hit;
  const safe = sanitize(html);
  if (sanitized.size >= 32) sanitized.delete(sanitized.keys().next().value!);
  sanitized.set(html, safe);
  return safe;
}

export interface StreamedBlock {
  html: SafeHtml;
  /** Closed code blocks shown without highlighting; `highlightLater` them, then render again. */
  pendingCode: Array<{ code: string; lang: string }>;
}

/** One block while an answer streams; `finished` blocks are kept (and their HTML remembered). */
export function renderStreamingBlock(markdown: string, finished: boolean): StreamedBlock {
  const pendingCode: Array<{ code: string; lang: string }> = [];
  unhighlighted = pendingCode;
  try {
    const html = marked.parse(markdown, { async: false });
    return { html: finished && pendingCode.length === 0 ? sanitizeOnce(html) : sanitize(html), pendingCode };
  } finally {
    unhighlighted = null;
  }
}

/** Highlights code into the cache, so the next render of its block finds it. */
export function highlightLater(code: string, lang: string): void {
  highlight(code, lang);
}

/**
 * The whole text lexed once (so lists, references and loose items come out right), then rendered in
 * groups of blocks, each code block a group of its own: each group is one call, so the caller can
 * yield between them and no single task grows with the length of the answer.
 */
export function planFullRender(markdown: string): Array<() => SafeHtml> {
  const tokens = marked.lexer(markdown);
  const groups: Token[][] = [];
  let group: Token[] = [];
  let size = 0;
  const close = () => {
    if (group.length) groups.push(group);
    group = [];
    size = 0;
  };
  for (const token of tokens) {
    if (token.type === 'code' || size + token.raw.length > 1_500) close();
    group.push(token);
    size += token.raw.length;
    if (token.type === 'code') close();
  }
  close();
  return groups.map((part) => () => sanitizeOnce(marked.parser(part)));
}
