import { Marked, type Token, type Tokens } from 'marked';
import { escapeHtml, highlight } from './highlight.ts';
import { sanitize, type SafeHtml } from './sanitize.ts';

/*
 * The Markdown renderer, loaded when the first answer renders (marked, highlight.js and DOMPurify
 * stay out of the shell's first load). Output is always sanitised here; callers assign it as is.
 */

let streaming = false;

const marked = new Marked({
  gfm: true,
  renderer: {
    code(token: Tokens.Code): string {
      const lang = (token.lang ?? '')
        .split(/\s/)[0]!
        .replace(/[^\w+#-]/g, '')
        .toLowerCase();
      // While an answer streams, a fence that is still open grows every frame: highlight it once it closes.
      const body =
        streaming && !fenceClosed(token.raw) ? escapeHtml(token.text) : highlight(token.text, lang);
      const label = lang
        ? `<span class="code-lang">${escapeHtml(lang)}</span>`
        : '<span class="code-lang">text</span>';
      return (
        `<div class="code-block"><div class="code-head">${label}` +
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

/** One block while an answer streams. */
export function renderStreamingBlock(markdown: string): SafeHtml {
  streaming = true;
  try {
    return sanitize(marked.parse(markdown, { async: false }));
  } finally {
    streaming = false;
  }
}

/**
 * The whole text lexed once (so lists, references and loose items come out right), then rendered in
 * groups of blocks: each group is one call, so the caller can yield between them and no single
 * task grows with the length of the answer.
 */
export function planFullRender(markdown: string): Array<() => SafeHtml> {
  const tokens = marked.lexer(markdown);
  const groups: Token[][] = [];
  let group: Token[] = [];
  let size = 0;
  for (const token of tokens) {
    if (token.type === 'code' || size + token.raw.length > 2_000) {
      if (group.length) groups.push(group);
      group = [];
      size = 0;
    }
    group.push(token);
    size += token.raw.length;
  }
  if (group.length) groups.push(group);
  return groups.map((part) => () => sanitize(marked.parser(part)));
}
