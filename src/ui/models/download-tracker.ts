import type { HearthError } from '../../core/errors.ts';
import type { Progress } from '../../core/progress.ts';
import type { DownloadState, ModelDownload, ModelsApi } from '../../runtime/index.ts';

export interface Bytes {
  loaded: number;
  total: number;
}

/** What the Models view shows of one download: its state, overall and per-file bytes, the failure. */
export interface TrackedDownload {
  modelId: string;
  state: DownloadState;
  overall: Bytes;
  files: Map<string, Bytes>;
  error?: HearthError;
  handle: ModelDownload;
}

/**
 * The app's downloads, kept outside the view so that leaving the Models view and coming back
 * shows the same download still running. One download per model; a finished or cancelled one is
 * forgotten when the next starts.
 */
export class DownloadTracker {
  private readonly downloads = new Map<string, TrackedDownload>();
  private readonly listeners = new Set<(modelId: string) => void>();

  get(modelId: string): TrackedDownload | undefined {
    return this.downloads.get(modelId);
  }

  /** Calls `listener` with the model's id on every progress event and state change. */
  subscribe(listener: (modelId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(models: Pick<ModelsApi, 'download'>, modelId: string, baseUrl?: string): TrackedDownload {
    const running = this.downloads.get(modelId);
    if (running && (running.state === 'downloading' || running.state === 'paused')) return running;
    // Events arrive before `download` returns (it starts at once), so they write to this object, which then gets the handle.
    const live: Omit<TrackedDownload, 'handle'> = {
      modelId,
      state: 'downloading',
      overall: { loaded: 0, total: 0 },
      files: new Map(),
    };
    const changed = () => this.listeners.forEach((listener) => listener(modelId));
    const handle = models.download(
      { modelId, ...(baseUrl ? { baseUrl } : {}) },
      {
        onProgress: (progress: Progress) => {
          const bytes = { loaded: progress.loaded, total: progress.total };
          if (progress.file === undefined) live.overall = bytes;
          else live.files.set(progress.file, bytes);
          changed();
        },
        onStateChange: (state, error) => {
          live.state = state;
          live.error = error;
          changed();
        },
      },
    );
    const tracked: TrackedDownload = Object.assign(live, { handle });
    this.downloads.set(modelId, tracked);
    changed();
    return tracked;
  }
}

/** The one tracker of the app. */
export const downloads = new DownloadTracker();
