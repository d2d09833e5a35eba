/** The `validating_files` step: checks the training (and validation) file against the job's base model. */
import type { BlobStore } from '../artifacts/blob-store.ts';
import { emptyReport, type DatasetReport } from '../datasets/validate.ts';
import type { ServerConfig } from '../config.ts';
import type { DatasetReports } from '../datasets/report-cache.ts';
import type { ModelCatalog } from '../models/catalog.ts';
import type { FileStore } from '../store/files.ts';
import type { JobError, JobRow } from '../store/jobs.ts';

export interface FilesVerdict {
  reports: { training: DatasetReport; validation: DatasetReport | null };
  error: JobError | null;
}

const summarize = (report: DatasetReport): string => {
  const shown = report.errors
    .slice(0, 5)
    .map((error) => `line ${error.line}: ${error.message}`)
    .concat(report.file_errors.map((error) => error.message));
  const more =
    report.bad_lines > 5 ? ` (and ${report.bad_lines - 5} more bad lines; see the job's events)` : '';
  return shown.join('; ') + more;
};

export async function validateJobFiles(
  job: JobRow,
  services: {
    config: Pick<ServerConfig, 'minTrainingExamples'>;
    files: FileStore;
    blobs: BlobStore;
    catalog: ModelCatalog;
    reports: DatasetReports;
  },
): Promise<FilesVerdict> {
  const model = services.catalog.get(job.model)!;
  const check = async (fileId: string, minExamples: number) => {
    const file = services.files.get(job.project, fileId);
    if (!file) return null;
    return services.reports.get(file.sha256, services.blobs.pathOf(file.sha256), model, minExamples);
  };
  const training = await check(job.training_file, services.config.minTrainingExamples);
  if (!training)
    return {
      reports: { training: emptyReport(), validation: null },
      error: {
        code: 'file_not_found',
        message: `The training file ${job.training_file} was deleted.`,
        param: 'training_file',
      },
    };
  const validation = job.validation_file ? await check(job.validation_file, 1) : null;
  if (job.validation_file && !validation)
    return {
      reports: { training, validation: null },
      error: {
        code: 'file_not_found',
        message: `The validation file ${job.validation_file} was deleted.`,
        param: 'validation_file',
      },
    };
  if (!training.valid)
    return {
      reports: { training, validation },
      error: {
        code: 'invalid_training_file',
        message: `The training file is invalid: ${summarize(training)}`,
        param: 'training_file',
      },
    };
  if (validation && !validation.valid)
    return {
      reports: { training, validation },
      error: {
        code: 'invalid_validation_file',
        message: `The validation file is invalid: ${summarize(validation)}`,
        param: 'validation_file',
      },
    };
  return { reports: { training, validation }, error: null };
}
