import type { ProgressListener } from '../../core/progress.ts';

export interface TrackedFile {
  path: string;
  /** Expected size in bytes; 0 while unknown (learned later from the response). */
  total: number;
  /** Bytes already stored before this download started (complete files, resumed prefixes). */
  loaded?: number;
}

/**
 * Turns byte counts of several files downloading at once into progress events: one per file
 * (`{phase, file, loaded, total}`) and one for the whole model (`{phase, loaded, total}`, no file).
 * Events of a file are spaced at least `intervalMs` apart, except its first and last, so a fast
 * download over a worker boundary does not flood the page; a held-back update is sent when the
 * interval ends, so a stalled download still shows the bytes that did arrive.
 */
export class ProgressTracker {
  private readonly files = new Map<
    string,
    { loaded: number; total: number; lastEmit: number; trailing?: ReturnType<typeof setTimeout> }
  >();

  constructor(
    files: TrackedFile[],
    private readonly emit: ProgressListener | undefined,
    private readonly intervalMs = 50,
    private readonly now: () => number = () => Date.now(),
  ) {
    for (const file of files) {
      this.files.set(file.path, { loaded: file.loaded ?? 0, total: file.total, lastEmit: -Infinity });
    }
  }

  get overall(): { loaded: number; total: number } {
    let loaded = 0;
    let total = 0;
    for (const file of this.files.values()) {
      loaded += file.loaded;
      total += Math.max(file.total, file.loaded);
    }
    return { loaded, total };
  }

  /** Reports the whole model once, e.g. before any byte moves. */
  start(phase = 'download'): void {
    this.emit?.({ phase, ...this.overall });
  }

  setTotal(path: string, total: number): void {
    const file = this.get(path);
    file.total = total;
  }

  /** Sets the bytes of `path` stored so far; `force` emits even inside the interval. */
  update(path: string, loaded: number, phase = 'download', force = false): void {
    const file = this.get(path);
    file.loaded = loaded;
    const done = file.total > 0 && loaded >= file.total;
    const time = this.now();
    if (!force && !done && time - file.lastEmit < this.intervalMs) {
      file.trailing ??= setTimeout(() => {
        file.trailing = undefined;
        this.send(path, phase);
      }, this.intervalMs);
      return;
    }
    this.send(path, phase);
  }

  /** Drops held-back updates; call when the download has ended. */
  stop(): void {
    for (const file of this.files.values()) {
      clearTimeout(file.trailing);
      file.trailing = undefined;
    }
  }

  private send(path: string, phase: string): void {
    const file = this.get(path);
    clearTimeout(file.trailing);
    file.trailing = undefined;
    file.lastEmit = this.now();
    this.emit?.({ phase, file: path, loaded: file.loaded, total: file.total });
    this.emit?.({ phase, ...this.overall });
  }

  /** A phase change of one file with no new bytes (waiting for another tab, verifying). */
  phase(path: string, phase: string): void {
    const file = this.get(path);
    this.emit?.({ phase, file: path, loaded: file.loaded, total: file.total });
  }

  private get(path: string) {
    const file = this.files.get(path);
    if (!file) throw new Error(`progress for an unknown file ${path}`);
    return file;
  }
}
