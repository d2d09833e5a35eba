/**
 * Dataset reports computed once per file content and base model: blobs are immutable (stored by SHA-256), so a
 * report never goes stale, and repeated GETs of a file's validation (or a job on a file already checked) cost
 * nothing. Concurrent requests for the same report share one validation.
 */
import { validateDataset, type DatasetReport } from './validate.ts';
import type { ChatExample } from '../models/catalog.ts';

/** Reports are a few KB (at most 1000 listed lines); this bounds the cache to a few MB. */
const MAX_REPORTS = 256;

export class DatasetReports {
  private readonly reports = new Map<string, Promise<DatasetReport>>();

  get(
    sha256: string,
    filePath: string,
    model: { id: string; maxTokens: number },
    countTokens: (example: ChatExample) => number,
    minExamples?: number,
  ): Promise<DatasetReport> {
    const key = `${sha256}\n${model.id}\n${minExamples ?? ''}`;
    let report = this.reports.get(key);
    if (report) {
      this.reports.delete(key); // most recently used last
      this.reports.set(key, report);
      return report;
    }
    report = validateDataset(filePath, { maxTokens: model.maxTokens, countTokens, minExamples });
    report.catch(() => this.reports.delete(key)); // a failed read is retried next time
    this.reports.set(key, report);
    while (this.reports.size > MAX_REPORTS) this.reports.delete(this.reports.keys().next().value!);
    return report;
  }
}
