import { MarkdownBlockSplitter } from './block-splitter.ts';
import type * as RenderModule from './render.ts';
import type { SafeHtml } from './sanitize.ts';

type Renderer = typeof RenderModule;

let rendererLoad: Promise<Renderer> | undefined;

/** The Markdown renderer is fetched when the first answer renders, not with the shell. */
export function loadRenderer(): Promise<Renderer> {
  return (rendererLoad ??= import('./render.ts'));
}

/** Lets the browser paint and handle input between pieces of work. */
function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Renders an answer into `container` while it streams: each finished block is rendered once and
 * kept, only the open tail is re-parsed, at most once per animation frame, whatever the token
 * rate. `finish()` parses the whole text once (lists and references that span blocks come out
 * right), a group of blocks per task, and swaps the result in at the end.
 */
export class StreamingMarkdown {
  private readonly splitter = new MarkdownBlockSplitter();
  private readonly pending: string[] = [];
  private tailElement: HTMLElement | null = null;
  private frame = 0;
  private renderer: Renderer | undefined;
  private closed = false;

  constructor(private readonly container: HTMLElement) {}

  append(delta: string): void {
    if (this.closed || !delta) return;
    this.pending.push(...this.splitter.push(delta));
    this.schedule();
  }

  get text(): string {
    return this.splitter.fullText;
  }

  /** The final full parse; resolves when the finished answer is in the DOM. */
  async finish(): Promise<void> {
    this.closed = true;
    cancelAnimationFrame(this.frame);
    await renderFull(this.container, this.splitter.fullText);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.renderer) this.paint(this.renderer);
      else
        void loadRenderer().then((renderer) => {
          this.renderer = renderer;
          if (!this.closed) this.schedule();
        });
    });
  }

  private highlightLater(
    renderer: Renderer,
    element: HTMLElement,
    block: string,
    code: Array<{ code: string; lang: string }>,
  ): void {
    setTimeout(() => {
      if (this.closed) return;
      for (const { code: text, lang } of code) renderer.highlightLater(text, lang);
      requestAnimationFrame(() => {
        if (!this.closed) setHtml(element, renderer.renderStreamingBlock(block, true).html);
      });
    }, 0);
  }

  private paint(renderer: Renderer): void {
    if (this.closed) return;
    // One finished block per frame, shown at once with its code plain; the code is highlighted in a
    // task of its own and the block rendered again a frame later, so no task does all three.
    const block = this.pending.shift();
    if (block !== undefined) {
      const element = blockElement();
      const { html, pendingCode } = renderer.renderStreamingBlock(block, true);
      setHtml(element, html);
      this.container.insertBefore(element, this.tailElement);
      if (pendingCode.length) this.highlightLater(renderer, element, block, pendingCode);
    }
    const tail = this.pending.join('') + this.splitter.tail;
    if (!this.tailElement) {
      this.tailElement = blockElement();
      this.tailElement.classList.add('md-tail');
      this.container.append(this.tailElement);
    }
    setHtml(this.tailElement, renderer.renderStreamingBlock(tail, false).html);
    if (this.pending.length) this.schedule();
  }
}

/** SafeHtml is a TrustedHTML where the browser has Trusted Types: innerHTML takes it as is. */
function setHtml(element: HTMLElement, safe: SafeHtml): void {
  element.innerHTML = safe as unknown as string;
}

function blockElement(): HTMLElement {
  const element = document.createElement('div');
  element.className = 'md-block';
  return element;
}

/** Renders a whole Markdown text, one group of blocks per task, then replaces the container's content. */
export async function renderFull(container: HTMLElement, markdown: string): Promise<void> {
  const renderer = await loadRenderer();
  const parts = renderer.planFullRender(markdown);
  const fragment = document.createDocumentFragment();
  for (const part of parts) {
    const element = blockElement();
    setHtml(element, part());
    fragment.append(element);
    await yieldToMain();
  }
  container.replaceChildren(fragment);
}
