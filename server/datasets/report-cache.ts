/**
 * Dataset reports computed once per file content and base model: blobs are immutable (stored by SHA-256), so a
 * report never goes stale, and repeated GETs of a file's validation (or a job on a file already checked) cost
 * nothing. Concurrent requests for the same report share one validation, run on the worker thread; it is
 * cancelled when every request waiting for it has gone away, or when its file is deleted.
 */
import { serverError } from '../errors.ts';
import type { BaseModel } from '../models/catalog.ts';
import type { DatasetReport } from './validate.ts';
import { ValidationPool } from './validation-pool.ts';

/** Reports are a few KB (at most 1000 listed lines); this bounds the cache to a few MB. */
const MAX_REPORTS = 256;

interface Entry {
  sha256: string;
  report: Promise<DatasetReport>;
  /** Set while the validation runs; aborted when nobody waits for it any more. */
  controller: AbortController | null;
  waiters: number;
}

export class DatasetReports {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly pool = new ValidationPool()) {}

  get(
    sha256: string,
    filePath: string,
    model: Pick<BaseModel, 'id' | 'dir' | 'maxTokens'>,
    minExamples?: number,
    signal?: AbortSignal,
  ): Promise<DatasetReport> {
    const key = `${sha256}\n${model.id}\n${minExamples ?? ''}`;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key); // most recently used last
    } else {
      const controller = new AbortController();
      const report = this.pool.validate(
        { filePath, modelDir: model.dir, maxTokens: model.maxTokens, minExamples },
        controller.signal,
      );
      entry = { sha256, report, controller, waiters: 0 };
      const settled = entry;
      report.then(
        () => (settled.controller = null),
        () => this.entries.get(key) === settled && this.entries.delete(key), // retried next time
      );
    }
    this.entries.set(key, entry);
    while (this.entries.size > MAX_REPORTS) this.entries.delete(this.entries.keys().next().value!);
    return entry.controller ? this.wait(entry, signal) : entry.report;
  }

  /** The file's content is gone: validations of it stop, and its reports are dropped. */
  forget(sha256: string): void {
    for (const [key, entry] of this.entries)
      if (entry.sha256 === sha256) {
        this.entries.delete(key);
        entry.controller?.abort(
          serverError('file_not_found', 'The file was deleted while it was being validated.'),
        );
      }
  }

  /** Starts the validation worker now rather than on the first request (ValidationPool.warm). */
  warm(): void {
    this.pool.warm();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** One waiter's view of a shared validation: its own abort leaves the others waiting. */
  private wait(entry: Entry, signal?: AbortSignal): Promise<DatasetReport> {
    entry.waiters++;
    return new Promise<DatasetReport>((resolve, reject) => {
      let waiting = true;
      const leave = () => {
        if (!waiting) return false;
        waiting = false;
        signal?.removeEventListener('abort', onAbort);
        entry.waiters--;
        return true;
      };
      const onAbort = () => {
        if (!leave()) return;
        reject(signal!.reason);
        if (entry.waiters === 0) entry.controller?.abort(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) return onAbort();
      entry.report.then(
        (report) => leave() && resolve(report),
        (error: unknown) => leave() && reject(error),
      );
    });
  }
}
