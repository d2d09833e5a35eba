import type { Progress } from '../../core/progress.ts';
import type { Hearth } from '../../runtime/index.ts';

export type IngestState = 'waiting' | 'running' | 'done' | 'cancelled' | 'failed';

/** One file on its way into a collection: its progress, and a cancel that stops its job. */
export class IngestTask {
  readonly id = crypto.randomUUID();
  state: IngestState = 'waiting';
  progress: Progress | null = null;
  error: { code: string; message: string } | null = null;
  chunkCount = 0;
  deduplicated = false;
  private readonly controller = new AbortController();

  constructor(
    readonly file: File,
    readonly collectionId: string,
  ) {}

  /** 0..1 for the progress bar; null while the size of the work is not known yet. */
  get fraction(): number | null {
    if (this.state === 'done') return 1;
    const p = this.progress;
    return p && p.total > 0 ? Math.min(1, p.loaded / p.total) : null;
  }

  cancel(): void {
    this.controller.abort();
  }

  /** Runs the ingest; `changed` is called on every progress report and state change. */
  async run(hearth: Hearth, changed: () => void): Promise<void> {
    try {
      const result = await hearth.rag.ingest(
        { collectionId: this.collectionId, content: this.file, title: this.file.name },
        {
          signal: this.controller.signal,
          onProgress: (progress) => {
            this.state = 'running';
            this.progress = progress;
            changed();
          },
        },
      );
      this.state = 'done';
      this.chunkCount = result.chunkCount;
      this.deduplicated = result.deduplicated;
    } catch (error) {
      if (this.controller.signal.aborted) this.state = 'cancelled';
      else {
        this.state = 'failed';
        this.error = describeError(error);
      }
    }
    changed();
  }
}

/** A HearthError's code and message (written for people); anything else in plain words. */
export function describeError(error: unknown): { code: string; message: string } {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof code === 'string' ? code : 'INTERNAL',
    message:
      typeof message === 'string' && message
        ? message
        : 'Something went wrong. Reload the page and try again.',
  };
}

export const phaseLabels: Record<string, string> = {
  reading: 'Reading pages',
  embedding: 'Embedding',
  storing: 'Storing',
  done: 'Done',
};
