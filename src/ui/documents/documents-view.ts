import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { CollectionRecord, DocumentRecord, Passage, SearchResult } from '../../runtime/index.ts';
import type { Hearth } from '../../runtime/index.ts';
import { formatBytes } from '../../core/format-bytes.ts';
import { getHearth } from '../hearth-instance.ts';
import { routeHash } from '../shell/router.ts';
import { controls, viewPage } from '../shell/shared-styles.ts';
import { documentsStyles } from './documents-styles.ts';
import { describeError, IngestTask, phaseLabels } from './ingest-task.ts';
import './passage-dialog.ts';
import { parsePassageHash, passageHash, type PassageRoute } from './route.ts';
import { snippet } from './snippet.ts';

const ACCEPT = '.txt,.text,.md,.markdown,.html,.htm,.pdf,text/plain,text/markdown,text/html,application/pdf';
const CHOSEN_KEY = 'hearth:documents:collection';
const WARNED_KEY = 'hearth:documents:persistence-warned';

/**
 * Collections of the user's files, kept and searched on this device: add files (with progress and
 * cancel for each), delete them, search them, and open a passage a search hit or a chat citation
 * points to (route: see route.ts).
 */
export class DocumentsView extends LitElement {
  static override properties = {
    collections: { state: true },
    chosenId: { state: true },
    documents: { state: true },
    tasks: { state: true },
    results: { state: true },
    lastQuery: { state: true },
    searching: { state: true },
    searchError: { state: true },
    problem: { state: true },
    warning: { state: true },
    passage: { state: true },
    passageError: { state: true },
    confirming: { state: true },
    dragging: { state: true },
  };
  declare private collections: CollectionRecord[] | null;
  declare private chosenId: string;
  declare private documents: DocumentRecord[];
  declare private tasks: IngestTask[];
  declare private results: SearchResult[] | null;
  declare private lastQuery: string;
  declare private searching: boolean;
  declare private searchError: string;
  declare private problem: string;
  declare private warning: string;
  declare private passage: Passage | null;
  declare private passageError: string;
  declare private confirming: string;
  declare private dragging: boolean;
  private hearth: Hearth | null = null;

  constructor() {
    super();
    this.collections = null;
    this.chosenId = localStorage.getItem(CHOSEN_KEY) ?? '';
    this.documents = [];
    this.tasks = [];
    this.results = null;
    this.lastQuery = '';
    this.searching = false;
    this.searchError = '';
    this.problem = '';
    this.warning = '';
    this.passage = null;
    this.passageError = '';
    this.confirming = '';
    this.dragging = false;
  }

  static override styles = [controls, viewPage, documentsStyles];

  private readonly onHashChange = () => void this.showRoute();

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener('hashchange', this.onHashChange);
    void this.start();
  }

  override disconnectedCallback(): void {
    removeEventListener('hashchange', this.onHashChange);
    super.disconnectedCallback();
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('chosenId' as keyof DocumentsView) && this.chosenId)
      localStorage.setItem(CHOSEN_KEY, this.chosenId);
  }

  private async start(): Promise<void> {
    try {
      this.hearth = await getHearth();
      await this.refreshCollections();
      await this.showRoute();
      void this.checkPersistence();
    } catch (error) {
      this.problem = describeError(error).message;
    }
  }

  private async checkPersistence(): Promise<void> {
    if (localStorage.getItem(WARNED_KEY)) return;
    const { warning } = await this.hearth!.rag.persistence();
    if (warning) this.warning = warning;
  }

  private dismissWarning(): void {
    localStorage.setItem(WARNED_KEY, '1');
    this.warning = '';
  }

  private async refreshCollections(): Promise<void> {
    const collections = await this.hearth!.rag.listCollections();
    collections.sort((a, b) => a.createdAt - b.createdAt);
    this.collections = collections;
    if (!collections.some((c) => c.id === this.chosenId)) this.chosenId = collections[0]?.id ?? '';
    await this.refreshDocuments();
  }

  private async refreshDocuments(): Promise<void> {
    const documents = this.chosenId ? await this.hearth!.rag.listDocuments(this.chosenId) : [];
    this.documents = documents.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Runs a store call, turning its failure into words on the page. */
  private async attempt(action: () => Promise<unknown>): Promise<void> {
    this.problem = '';
    try {
      await action();
    } catch (error) {
      this.problem = describeError(error).message;
    }
  }

  private readonly createCollection = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const input = form.elements.namedItem('collection-name') as HTMLInputElement;
    const name = input.value.trim();
    if (!name) {
      this.problem = 'Give the collection a name, then press Create.';
      input.focus();
      return;
    }
    void this.attempt(async () => {
      const collection = await this.hearth!.rag.createCollection({ name });
      input.value = '';
      this.chosenId = collection.id;
      this.results = null;
      await this.refreshCollections();
    });
  };

  private choose(id: string): void {
    this.chosenId = id;
    this.confirming = '';
    this.results = null;
    void this.attempt(() => this.refreshDocuments());
  }

  private deleteCollection(): void {
    const id = this.chosenId;
    this.confirming = '';
    void this.attempt(async () => {
      await this.hearth!.rag.deleteCollection(id);
      this.results = null;
      this.tasks = this.tasks.filter((task) => task.collectionId !== id);
      await this.refreshCollections();
    });
  }

  private deleteDocument(document: DocumentRecord): void {
    this.confirming = '';
    void this.attempt(async () => {
      await this.hearth!.rag.deleteDocument(document.id);
      this.results = this.results?.filter((hit) => hit.documentId !== document.id) ?? null;
      await this.refreshDocuments();
    });
  }

  private addFiles(files: Iterable<File>): void {
    if (!this.hearth || !this.chosenId) return;
    const added = [...files].map((file) => new IngestTask(file, this.chosenId));
    if (added.length === 0) return;
    this.tasks = [...added, ...this.tasks];
    for (const task of added)
      void task.run(this.hearth, () => {
        this.tasks = [...this.tasks];
        if (task.state === 'done') void this.refreshDocuments();
      });
  }

  private readonly pickFiles = () => this.renderRoot.querySelector<HTMLInputElement>('#file-input')?.click();

  private readonly onPicked = (event: Event) => {
    const input = event.target as HTMLInputElement;
    this.addFiles(input.files ?? []);
    input.value = '';
  };

  private readonly onDragOver = (event: DragEvent) => {
    event.preventDefault();
    this.dragging = true;
  };

  private readonly onDrop = (event: DragEvent) => {
    event.preventDefault();
    this.dragging = false;
    this.addFiles(event.dataTransfer?.files ?? []);
  };

  private readonly search = (event: SubmitEvent) => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).elements.namedItem('query') as HTMLInputElement;
    const query = input.value.trim();
    if (!query || !this.chosenId) return;
    this.searching = true;
    this.searchError = '';
    void this.hearth!.rag.search({ query, mode: 'hybrid', k: 8, collectionIds: [this.chosenId] })
      .then((results) => {
        this.results = results;
        this.lastQuery = query;
      })
      .catch((error: unknown) => (this.searchError = describeError(error).message))
      .finally(() => (this.searching = false));
  };

  /** Opens the passage the route names, if any; an unknown document is said so in the dialog. */
  private async showRoute(): Promise<void> {
    const route = parsePassageHash(location.hash);
    if (!route) {
      this.passage = null;
      this.passageError = '';
      return;
    }
    await this.openPassage(route);
  }

  private async openPassage(route: PassageRoute): Promise<void> {
    if (!this.hearth) return;
    try {
      this.passage = await this.hearth.rag.passage(route.documentId, { start: route.start, end: route.end });
      this.passageError = '';
    } catch (error) {
      this.passage = null;
      this.passageError = `${describeError(error).message} Search again to find the passage.`;
    }
  }

  private readonly onPassageClosed = () => {
    this.passage = null;
    this.passageError = '';
    if (parsePassageHash(location.hash)) history.pushState(null, '', routeHash({ view: 'documents' }));
  };

  override render() {
    const chosen = this.collections?.find((c) => c.id === this.chosenId);
    return html`
      <h2>Documents</h2>
      <p class="muted intro">
        Your files, kept and searched on this device: text, Markdown, HTML and PDF, in collections.
      </p>
      ${
        this.warning
          ? html`<div class="notice" role="status" data-testid="persistence-warning">
              <p>${this.warning}</p>
              <button type="button" @click=${this.dismissWarning}>Dismiss</button>
            </div>`
          : nothing
      }
      ${this.problem ? html`<p class="notice error" role="alert">${this.problem}</p>` : nothing}
      ${this.collections === null ? html`<p class="muted" role="status">Opening your documents…</p>` : nothing}
      ${this.collections ? this.renderBody(chosen) : nothing}
      <hearth-passage-dialog
        .passage=${this.passage}
        .error=${this.passageError}
        @close=${this.onPassageClosed}
      ></hearth-passage-dialog>
    `;
  }

  private renderBody(chosen: CollectionRecord | undefined) {
    return html`<div class="columns">
      <div>${this.renderCollections(chosen)} ${chosen ? this.renderFiles(chosen) : nothing}</div>
      <div>${chosen ? this.renderSearch(chosen) : nothing}</div>
    </div>`;
  }

  private renderCollections(chosen: CollectionRecord | undefined) {
    const collections = this.collections ?? [];
    return html`<section aria-labelledby="collections-heading">
      <h3 id="collections-heading">Collections</h3>
      ${
        collections.length
          ? html`<div class="field">
              <label for="collection">Collection</label>
              <div class="row">
                <select
                  id="collection"
                  @change=${(e: Event) => this.choose((e.target as HTMLSelectElement).value)}
                >
                  ${collections.map(
                    (c) => html`<option value=${c.id} ?selected=${c.id === this.chosenId}>${c.name}</option>`,
                  )}
                </select>
                <button
                  type="button"
                  class="danger"
                  data-action="delete-collection"
                  @click=${() => (this.confirming = 'collection')}
                >
                  Delete collection
                </button>
              </div>
              ${
                this.confirming === 'collection' && chosen
                  ? html`<div class="row confirm" role="group" aria-label="Confirm deleting the collection">
                      <p>
                        Delete “${chosen.name}” and its ${this.documents.length} documents from this device?
                      </p>
                      <button
                        type="button"
                        class="danger"
                        data-action="confirm-delete"
                        @click=${this.deleteCollection}
                      >
                        Delete
                      </button>
                      <button type="button" @click=${() => (this.confirming = '')}>Keep</button>
                    </div>`
                  : nothing
              }
            </div>`
          : html`<p class="muted">No collections yet: create one to add files to it.</p>`
      }
      <form class="row" @submit=${this.createCollection}>
        <label class="sr-only" for="collection-name">New collection name</label>
        <input
          id="collection-name"
          name="collection-name"
          placeholder="New collection name"
          autocomplete="off"
        />
        <button type="submit" data-action="create-collection">Create</button>
      </form>
    </section>`;
  }

  private renderFiles(chosen: CollectionRecord) {
    return html`<section aria-labelledby="files-heading">
      <h3 id="files-heading">Files in “${chosen.name}”</h3>
      <input id="file-input" type="file" multiple accept=${ACCEPT} hidden @change=${this.onPicked} />
      <button
        type="button"
        class="drop"
        data-testid="drop-zone"
        ?data-over=${this.dragging}
        @click=${this.pickFiles}
        @dragover=${this.onDragOver}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.onDrop}
      >
        <strong>Drop files here or choose files</strong><br />
        <span class="muted">Text, Markdown, HTML or PDF</span>
      </button>
      ${
        this.tasks.length
          ? html`<h4 class="sr-only">Adding</h4>
              <ul aria-label="Files being added" data-testid="ingest-list">
                ${this.tasks.filter((t) => t.collectionId === chosen.id).map((t) => this.renderTask(t))}
              </ul>`
          : nothing
      }
      <h4 class="sr-only">Stored</h4>
      ${
        this.documents.length
          ? html`<ul aria-label="Stored documents" data-testid="document-list">
              ${this.documents.map((d) => this.renderDocument(d))}
            </ul>`
          : html`<p class="muted">No documents in this collection yet.</p>`
      }
    </section>`;
  }

  private renderTask(task: IngestTask) {
    const fraction = task.fraction;
    const label =
      task.state === 'waiting'
        ? 'Waiting'
        : task.state === 'running'
          ? (phaseLabels[task.progress?.phase ?? ''] ?? 'Working')
          : task.state === 'done'
            ? task.deduplicated
              ? 'Already in this collection'
              : `Added: ${task.chunkCount} passages`
            : task.state === 'cancelled'
              ? 'Cancelled'
              : 'Not added';
    const busy = task.state === 'waiting' || task.state === 'running';
    return html`<li data-testid="ingest-task" data-state=${task.state} data-file=${task.file.name}>
      <div class="row">
        <span class="name">${task.file.name}</span>
        <span class="meta muted" data-testid="ingest-status">${label}</span>
        ${
          busy
            ? html`<button
                type="button"
                data-action="cancel-ingest"
                aria-label=${`Cancel adding ${task.file.name}`}
                @click=${() => task.cancel()}
              >
                Cancel
              </button>`
            : nothing
        }
      </div>
      ${
        busy || task.state === 'done'
          ? html`<progress
              aria-label=${`Adding ${task.file.name}`}
              max="1"
              value=${fraction ?? nothing}
            ></progress>`
          : nothing
      }
      ${
        task.error
          ? html`<p class="error" role="alert" data-code=${task.error.code}>
              ${task.file.name}: ${task.error.message}
            </p>`
          : nothing
      }
    </li>`;
  }

  private renderDocument(document: DocumentRecord) {
    const pages = document.pageStarts?.length;
    const meta = [
      kind(document.mimeType),
      formatBytes(document.byteLength),
      pages ? `${pages} ${pages === 1 ? 'page' : 'pages'}` : '',
      `${document.chunkCount} passages`,
    ]
      .filter(Boolean)
      .join(' · ');
    return html`<li data-testid="document" data-title=${document.title}>
      <div class="row">
        <span class="name">${document.title || 'Untitled'}</span>
        <span class="meta muted">${meta}</span>
        <button
          type="button"
          class="danger"
          data-action="delete-document"
          aria-label=${`Delete ${document.title}`}
          @click=${() => this.deleteDocument(document)}
        >
          Delete
        </button>
      </div>
    </li>`;
  }

  private renderSearch(chosen: CollectionRecord) {
    return html`<section aria-labelledby="search-heading">
      <h3 id="search-heading">Search “${chosen.name}”</h3>
      <form class="row" role="search" @submit=${this.search}>
        <label class="sr-only" for="query">Search the documents</label>
        <input id="query" name="query" type="search" placeholder="Ask or type words" autocomplete="off" />
        <button type="submit" class="primary" data-action="search" ?disabled=${this.searching}>Search</button>
      </form>
      <div aria-live="polite">
        ${this.searching ? html`<p class="muted">Searching…</p>` : nothing}
        ${this.searchError ? html`<p class="error" role="alert">${this.searchError}</p>` : nothing}
        ${
          this.results && !this.searching
            ? this.results.length
              ? html`<p class="muted meta">${this.results.length} passages for “${this.lastQuery}”</p>`
              : html`<p class="muted">Nothing found for “${this.lastQuery}”. Try other words.</p>`
            : nothing
        }
      </div>
      ${
        this.results?.length
          ? html`<ul aria-label="Search results" data-testid="results">
              ${this.results.map((hit) => this.renderHit(hit))}
            </ul>`
          : nothing
      }
    </section>`;
  }

  private renderHit(hit: SearchResult) {
    const where = [
      hit.page === undefined
        ? ''
        : hit.pageEnd && hit.pageEnd !== hit.page
          ? `Pages ${hit.page}–${hit.pageEnd}`
          : `Page ${hit.page}`,
      hit.headingPath.join(' › '),
    ].filter(Boolean);
    const href = passageHash({ documentId: hit.documentId, start: hit.start, end: hit.end });
    return html`<li class="result" data-testid="result">
      <a href=${href} data-action="open-passage">${hit.title || 'Untitled'}</a>
      ${where.length ? html`<div class="meta muted" data-testid="result-place">${where.join(' · ')}</div>` : nothing}
      <p>
        ${snippet(hit.text, this.lastQuery).map((part) => (part.matched ? html`<mark>${part.text}</mark>` : part.text))}
      </p>
    </li>`;
  }
}

function kind(mimeType: string): string {
  return (
    { 'text/plain': 'Text', 'text/markdown': 'Markdown', 'text/html': 'HTML', 'application/pdf': 'PDF' }[
      mimeType
    ] ?? mimeType
  );
}

customElements.define('hearth-documents-view', DocumentsView);
