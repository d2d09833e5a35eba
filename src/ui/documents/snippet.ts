/** Words of a query worth finding in a passage (letters and digits, two or more). */
export function queryTerms(query: string): string[] {
  return [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [])];
}

export interface SnippetPart {
  text: string;
  matched: boolean;
}

/**
 * The part of a chunk around the first query term it contains, at most `length` characters,
 * split so the terms can be marked. A dense-only hit may contain no term: then it starts at the top.
 */
export function snippet(text: string, query: string, length = 240): SnippetPart[] {
  const flat = text.replace(/\s+/g, ' ').trim();
  const terms = queryTerms(query);
  const lower = flat.toLowerCase();
  const first = Math.min(...terms.map((term) => lower.indexOf(term)).filter((i) => i >= 0), Infinity);
  const from = Number.isFinite(first) ? Math.max(0, first - Math.floor(length / 3)) : 0;
  const to = Math.min(flat.length, from + length);
  const window = `${from > 0 ? '…' : ''}${flat.slice(from, to)}${to < flat.length ? '…' : ''}`;
  if (terms.length === 0) return [{ text: window, matched: false }];
  const pattern = new RegExp(`(${terms.map(escape).join('|')})`, 'giu');
  return window
    .split(pattern)
    .filter((part) => part !== '')
    .map((part) => ({ text: part, matched: terms.includes(part.toLowerCase()) }));
}

function escape(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
