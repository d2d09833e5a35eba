import { html, nothing } from 'lit';
import { formatBytes } from '../../core/format-bytes.ts';
import type { ModelListing, ModelsApi } from '../../runtime/index.ts';
import type { Bytes, TrackedDownload } from './download-tracker.ts';
import { explainError, type ExplainedError } from './explain-error.ts';

type CachedModel = Awaited<ReturnType<ModelsApi['stored']>>[number];

/** What the store holds of a catalog model: all of its files, some bytes of them, or nothing. */
export type StoredState = 'stored' | 'partial' | 'none';

export function storedState(listing: ModelListing, cached: CachedModel | undefined): StoredState {
  if (!cached) return 'none';
  const complete = new Set(cached.files.filter((file) => file.state === 'complete').map((file) => file.path));
  return listing.files.every((file) => complete.has(file.path)) ? 'stored' : 'partial';
}

export interface ModelCardActions {
  download(modelId: string): void;
  pause(modelId: string): void;
  resume(modelId: string): void;
  cancel(modelId: string): void;
  remove(modelId: string): void;
}

export interface ModelCardProps {
  listing: ModelListing;
  cached: CachedModel | undefined;
  download: TrackedDownload | undefined;
  /** 'chat' or 'embedding' when the chat or Documents uses this model. */
  inUse: string | undefined;
  /** A failure of delete, which has no download to hold it. */
  error: ExplainedError | undefined;
  actions: ModelCardActions;
}

const fraction = ({ loaded, total }: Bytes) => (total > 0 ? Math.min(1, loaded / total) : 0);

function catalogSize(listing: ModelListing): string {
  if (listing.size === 0) return 'size shown once it downloads';
  return listing.sizeKnown ? formatBytes(listing.size) : `about ${formatBytes(listing.size)}`;
}

function statusText(state: StoredState, cached: CachedModel | undefined): string {
  if (state === 'stored') return `Stored: ${formatBytes(cached!.size + cached!.partialBytes)}`;
  if (state === 'partial') return `Partly stored: ${formatBytes(cached!.size + cached!.partialBytes)}`;
  return 'Not stored';
}

function renderProgress(modelId: string, tracked: TrackedDownload) {
  const id = `progress-${modelId.replace(/[^\w-]/g, '-')}`;
  const { overall } = tracked;
  const percent = Math.round(fraction(overall) * 100);
  const stateWords =
    tracked.state === 'paused' ? 'Paused' : tracked.state === 'failed' ? 'Stopped' : 'Downloading';
  return html`<div data-testid="download" data-state=${tracked.state}>
    <div class="progress-label">
      <span id=${id}>${stateWords}: ${percent}%</span>
      <span class="muted" data-testid="overall-bytes"
        >${formatBytes(overall.loaded)} of ${overall.total > 0 ? formatBytes(overall.total) : '…'}</span
      >
    </div>
    <progress
      data-testid="overall-progress"
      aria-labelledby=${id}
      max="1"
      .value=${fraction(overall)}
    ></progress>
    ${
      tracked.files.size > 0
        ? html`<details open>
            <summary>Files (${tracked.files.size})</summary>
            <ul class="files">
              ${[...tracked.files].map(
                ([path, bytes]) =>
                  html`<li data-testid="file-progress" data-file=${path}>
                    <div class="progress-label">
                      <span>${path}</span
                      ><span class="muted">${formatBytes(bytes.loaded)} of ${formatBytes(bytes.total)}</span>
                    </div>
                    <progress
                      aria-label=${`${path}: ${Math.round(fraction(bytes) * 100)}%`}
                      max="1"
                      .value=${fraction(bytes)}
                    ></progress>
                  </li>`,
              )}
            </ul>
          </details>`
        : nothing
    }
  </div>`;
}

export function renderError(explained: ExplainedError) {
  return html`<div class="alert" role="alert" data-testid="model-error" data-code=${explained.code}>
    <strong>${explained.headline}</strong>
    <p>${explained.todo}</p>
    <p class="muted"><small>${explained.detail} (<code>${explained.code}</code>)</small></p>
  </div>`;
}

/** An action on one model: its visible word, and a label that names the model for screen readers. */
function button(action: string, text: string, label: string, run: () => void, kind?: 'primary' | 'danger') {
  return html`<button class=${kind ?? ''} data-action=${action} aria-label=${label} @click=${run}>
    ${text}
  </button>`;
}

/** One catalog model: its facts, what is stored of it, its download and the actions that fit its state. */
export function renderModelCard({ listing, cached, download, inUse, error, actions }: ModelCardProps) {
  const state = storedState(listing, cached);
  const running = download && (download.state === 'downloading' || download.state === 'paused');
  const failed = download?.state === 'failed' ? download.error : undefined;
  const shown = error ?? (failed ? explainError(failed) : undefined);
  const name = listing.id;
  return html`<li data-testid="model" data-model=${listing.id} data-stored=${state}>
    <div class="title">
      <h4>${listing.id}</h4>
      <span class="row">
        <span class="badge">${listing.kind === 'chat' ? 'Chat' : 'Embedding'}</span>
        ${inUse ? html`<span class="badge" data-testid="in-use">Used for ${inUse}</span>` : nothing}
      </span>
    </div>
    <p class="facts muted">
      ${listing.description} ${listing.dtype}, ${catalogSize(listing)}, ${listing.files.length} files, licence
      ${listing.license}.
    </p>
    <p data-testid="stored-status">${statusText(state, cached)}</p>
    ${download && (running || download.state === 'failed') ? renderProgress(listing.id, download) : nothing}
    ${shown ? renderError(shown) : nothing}
    <div class="row actions">
      ${download?.state === 'downloading' ? button('pause', 'Pause', `Pause downloading ${name}`, () => actions.pause(name)) : nothing}
      ${
        download?.state === 'paused' || download?.state === 'failed'
          ? button('resume', 'Resume', `Resume downloading ${name}`, () => actions.resume(name), 'primary')
          : nothing
      }
      ${
        running || download?.state === 'failed'
          ? button('cancel', 'Cancel', `Cancel downloading ${name}`, () => actions.cancel(name))
          : nothing
      }
      ${
        !running && download?.state !== 'failed' && state !== 'stored'
          ? button(
              'download',
              state === 'partial' ? 'Finish download' : 'Download',
              `Download ${name}`,
              () => actions.download(name),
              'primary',
            )
          : nothing
      }
      ${!running && state !== 'none' ? button('delete', 'Delete', `Delete ${name}`, () => actions.remove(name), 'danger') : nothing}
    </div>
  </li>`;
}
