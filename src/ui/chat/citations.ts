import { html, nothing } from 'lit';
import { z } from 'zod';
import { passageHash } from '../documents/route.ts';

/**
 * A passage an answer was given to cite, stored with the answer: its number in the prompt (`[n]`),
 * where it lives (document and character offsets, the address of the Documents view's highlighted
 * passage) and what a reader needs to recognise it without opening it.
 */
export const sourceSchema = z.object({
  n: z.number().int().min(1),
  documentId: z.string().min(1),
  title: z.string(),
  start: z.number().int().nonnegative(),
  end: z.number().int().positive(),
  headingPath: z.array(z.string()).default([]),
  page: z.number().int().positive().optional(),
  /** The start of the passage, as shown under the answer. */
  snippet: z.string(),
});

export type Source = z.infer<typeof sourceSchema>;

export function sourceHref(source: Source): string {
  return passageHash({ documentId: source.documentId, start: source.start, end: source.end });
}

/** Where in its document a source is: its heading path, and its page for a PDF. */
export function sourcePlace(source: Pick<Source, 'headingPath' | 'page'>): string {
  const page = source.page === undefined ? [] : [`page ${source.page}`];
  return [...(source.headingPath.length ? [source.headingPath.join(' › ')] : []), ...page].join(', ');
}

const marker = /\[(\d{1,2})\]/g;

/**
 * Turns the `[n]` markers of a rendered answer into links to their sources. It runs on the DOM that
 * the sanitised HTML became, and only reads text nodes: the model's HTML never decides what is a
 * citation, a marker becomes a link only when `n` names a source this answer was given, and each
 * link is built here (its address from the stored source, its text from the digits). Code, and
 * text already inside a link, are left as written.
 */
export function linkCitations(container: HTMLElement, sources: readonly Source[] | undefined): void {
  if (!sources?.length) return;
  const byNumber = new Map(sources.map((source) => [source.n, source]));
  const walker = container.ownerDocument.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.parentElement?.closest('code, pre, a, button')
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
  });
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node as Text);
  for (const text of texts) linkMarkers(text, byNumber);
}

function linkMarkers(text: Text, byNumber: Map<number, Source>): void {
  const value = text.data;
  const doc = text.ownerDocument;
  const pieces: Node[] = [];
  let last = 0;
  for (const match of value.matchAll(marker)) {
    const source = byNumber.get(Number(match[1]));
    if (!source) continue;
    if (match.index > last) pieces.push(doc.createTextNode(value.slice(last, match.index)));
    const link = doc.createElement('a');
    link.className = 'citation';
    link.href = sourceHref(source);
    link.textContent = `[${source.n}]`;
    link.setAttribute('aria-label', `Source ${source.n}: ${source.title}`);
    link.dataset.source = String(source.n);
    pieces.push(link);
    last = match.index + match[0].length;
  }
  if (pieces.length === 0) return;
  if (last < value.length) pieces.push(doc.createTextNode(value.slice(last)));
  text.replaceWith(...pieces);
}

/** The numbered sources under an answer, each a link to its passage in the Documents view. */
export function renderSources(sources: readonly Source[] | undefined) {
  if (sources === undefined) return nothing;
  if (sources.length === 0)
    return html`<p class="sources-none muted" data-testid="sources-none">
      No passage of your documents matched this question: the answer is the model's own.
    </p>`;
  return html`<section class="sources" aria-label="Sources" data-testid="sources">
    <h3>Sources</h3>
    <ol>
      ${sources.map(
        (source) =>
          html`<li value=${source.n} data-source=${source.n}>
            <a href=${sourceHref(source)}>${source.title}</a>
            ${sourcePlace(source) ? html`<span class="muted">· ${sourcePlace(source)}</span>` : nothing}
            <q>${source.snippet}</q>
          </li>`,
      )}
    </ol>
  </section>`;
}

/** The sources as Markdown, for an exported conversation. */
export function sourcesMarkdown(sources: readonly Source[] | undefined): string {
  if (!sources?.length) return '';
  const lines = sources.map((source) => {
    const place = sourcePlace(source);
    return `${source.n}. ${source.title}${place ? ` (${place})` : ''}: ${sourceHref(source)}`;
  });
  return `**Sources**\n\n${lines.join('\n')}`;
}
