/**
 * Streaming HTML to text, with no DOM (it runs in the RAG worker, where DOMParser does not exist).
 * Drops scripts, styles and other non-text elements and all tags; decodes entities; collapses
 * whitespace as a browser would; writes headings as Markdown headings ("## Title") and separates
 * blocks with blank lines, so the Markdown splitter that follows sees the document's structure.
 */
const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object']);
const BLOCKS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'dd',
  'details',
  'dialog',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
  'caption',
]);
const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  copy: '©',
  reg: '®',
  trade: '™',
  middot: '·',
  shy: '',
};
const KEEP_TAIL = 32; // enough of a skipped element's text to hold a split closing tag

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z][a-z0-9]*);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

export class HtmlTextExtractor {
  private pending = '';
  private skipping: string | null = null;
  private inPre = 0;
  private spaceBefore = true;
  private titleText: string | null = null;
  private inTitle = false;

  /** The text of <title>, once seen. */
  get title(): string | null {
    return this.titleText?.trim() || null;
  }

  push(html: string): string {
    this.pending += html;
    return this.drain(false);
  }

  end(): string {
    return this.drain(true);
  }

  private drain(final: boolean): string {
    let out = '';
    let at = 0;
    const source = this.pending;
    while (at < source.length) {
      if (this.skipping) {
        const close = source.toLowerCase().indexOf(`</${this.skipping}`, at);
        if (close < 0) {
          at = final ? source.length : Math.max(at, source.length - KEEP_TAIL);
          break;
        }
        at = close;
        this.skipping = null;
        continue;
      }
      const lt = source.indexOf('<', at);
      if (lt < 0) {
        out += this.text(source.slice(at, final ? undefined : lastSafeTextEnd(source, at)));
        at = final ? source.length : lastSafeTextEnd(source, at);
        break;
      }
      if (lt > at) out += this.text(source.slice(at, lt));
      at = lt;
      const tagEnd = findTagEnd(source, lt);
      if (tagEnd < 0) {
        if (final) at = source.length;
        break;
      }
      out += this.tag(source.slice(lt, tagEnd));
      at = tagEnd;
    }
    this.pending = source.slice(at);
    return out;
  }

  private text(raw: string): string {
    const decoded = decodeEntities(raw);
    if (this.inTitle) {
      this.titleText = (this.titleText ?? '') + decoded;
      return '';
    }
    if (this.inPre > 0) {
      if (decoded) this.spaceBefore = /\s$/.test(decoded);
      return decoded;
    }
    let collapsed = decoded.replace(/\s+/g, ' ');
    if (this.spaceBefore) collapsed = collapsed.replace(/^ /, '');
    if (collapsed) this.spaceBefore = collapsed.endsWith(' ');
    return collapsed;
  }

  private tag(tag: string): string {
    if (tag.startsWith('<!') || tag.startsWith('<?')) return '';
    const match = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)/.exec(tag);
    if (!match) return this.text(tag);
    const closing = match[1] === '/';
    const name = match[2]!.toLowerCase();
    const selfClosing = tag.endsWith('/>');
    if (name === 'title') {
      this.inTitle = !closing && !selfClosing;
      return '';
    }
    if (!closing && SKIPPED.has(name) && !selfClosing) {
      this.skipping = name;
      return '';
    }
    if (name === 'br') return this.newline('\n');
    const heading = /^h([1-6])$/.exec(name);
    if (heading)
      return closing ? this.newline('\n\n') : this.newline('\n\n') + '#'.repeat(Number(heading[1])) + ' ';
    if (name === 'pre') this.inPre = Math.max(0, this.inPre + (closing ? -1 : 1));
    if (BLOCKS.has(name)) return this.newline('\n\n');
    return '';
  }

  private newline(separator: string): string {
    this.spaceBefore = true;
    return separator;
  }
}

/** Where a tag starts with '<' at `lt`, the index after its '>', or -1 if it is not complete yet. */
function findTagEnd(source: string, lt: number): number {
  if (source.startsWith('<!--', lt)) {
    const end = source.indexOf('-->', lt + 4);
    return end < 0 ? -1 : end + 3;
  }
  let quote: string | null = null;
  for (let i = lt + 1; i < source.length; i++) {
    const char = source[i]!;
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return i + 1;
  }
  return -1;
}

/** Text may end in a partial entity ("&am"); hold that part back until more arrives. */
function lastSafeTextEnd(source: string, from: number): number {
  const amp = source.lastIndexOf('&');
  if (amp >= from && source.length - amp < 12 && !source.includes(';', amp)) return amp;
  return source.length;
}
