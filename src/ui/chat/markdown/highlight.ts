import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

// The languages people ask a local assistant about; the full highlight.js bundle is ten times larger.
const languages = {
  bash,
  c,
  cpp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  markdown,
  python,
  rust,
  shell,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);

/** Highlighted code blocks by language and text: the final full parse finds the streamed ones here. */
const cache = new Map<string, string>();
const cacheLimit = 64;

export function isHighlighted(code: string, lang: string): boolean {
  // Plain text is only escaped: cheap enough to count as highlighted.
  return !hljs.getLanguage(lang) || cache.has(`${lang}\u0000${code}`);
}

/** Highlighted HTML for a code block (escaped plain text for an unknown language). */
export function highlight(code: string, lang: string): string {
  const language = hljs.getLanguage(lang) ? lang : 'plaintext';
  const key = `${language}\u0000${code}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const html =
    language === 'plaintext'
      ? escapeHtml(code)
      : hljs.highlight(code, { language, ignoreIllegals: true }).value;
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
  cache.set(key, html);
  return html;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
