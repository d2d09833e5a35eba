import { PlaceholderView } from '../shell/placeholder-view.ts';

/** The Documents view; the shell links to it, its content is still to come. */
export class DocumentsView extends PlaceholderView {
  protected readonly heading = 'Documents';
  protected readonly summary =
    'Your files, searchable by the assistant: add text, Markdown, HTML and PDF files to collections and chat with them, with citations.';
}

customElements.define('hearth-documents-view', DocumentsView);
