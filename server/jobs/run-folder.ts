/**
 * A job's folder on disk (`runs/<job>`): the trainer's inputs (links to the uploaded blobs), its argv, output and
 * logs, and the validation report. The job state machine (`runner.ts`) asks it for paths and never builds them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BlobStore } from '../artifacts/blob-store.ts';
import type { ServerConfig } from '../config.ts';
import { serverError } from '../errors.ts';
import type { TrainerRun } from '../executors/types.ts';
import type { ModelCatalog } from '../models/catalog.ts';
import type { FileStore } from '../store/files.ts';
import type { JobRow } from '../store/jobs.ts';
import { trainerArgs } from './trainer-protocol.ts';
import type { FilesVerdict } from './validate-files.ts';

export interface RunFolderServices {
  config: ServerConfig;
  files: FileStore;
  blobs: BlobStore;
  catalog: ModelCatalog;
}

export class RunFolders {
  constructor(private readonly s: RunFolderServices) {}

  dirOf(jobId: string): string {
    return path.join(this.s.config.dataDir, 'runs', jobId);
  }

  trainerRun(job: JobRow): TrainerRun {
    const runDir = this.dirOf(job.id);
    const trainFile = path.join(runDir, 'train.jsonl');
    const validationFile = job.validation_file ? path.join(runDir, 'validation.jsonl') : null;
    const argv = [
      ...this.s.config.trainerCommand,
      ...trainerArgs({
        baseModelDir: this.s.catalog.get(job.model)?.dir ?? '',
        trainFile,
        validationFile,
        outputDir: path.join(runDir, 'out'),
        hyperparameters: job.hyperparameters,
        learningRate: this.s.config.baseLearningRate * job.hyperparameters.learning_rate_multiplier,
        seed: job.seed,
        device: this.s.config.trainerDevice,
      }),
    ];
    return {
      jobId: job.id,
      runDir,
      argv,
      stdoutPath: path.join(runDir, 'trainer.out'),
      stderrPath: path.join(runDir, 'trainer.err'),
    };
  }

  /** Empties what a previous attempt left and links the job's input files, ready for a fresh submit. */
  prepare(job: JobRow, run: TrainerRun): void {
    fs.mkdirSync(run.runDir, { recursive: true });
    fs.rmSync(path.join(run.runDir, 'out'), { recursive: true, force: true });
    for (const file of [run.stdoutPath, run.stderrPath]) fs.rmSync(file, { force: true });
    this.linkInput(job, job.training_file, path.join(run.runDir, 'train.jsonl'));
    this.linkInput(job, job.validation_file, path.join(run.runDir, 'validation.jsonl'));
  }

  outputDir(run: TrainerRun): string {
    return path.join(run.runDir, 'out');
  }

  writeValidation(jobId: string, reports: FilesVerdict['reports']): void {
    fs.mkdirSync(this.dirOf(jobId), { recursive: true });
    fs.writeFileSync(path.join(this.dirOf(jobId), 'validation.json'), JSON.stringify(reports));
  }

  /** At most this many tokens the job was planned to train on (the validation's upper bound times epochs), when its report is still there. */
  plannedTokens(job: JobRow): number | null {
    try {
      const reports = JSON.parse(
        fs.readFileSync(path.join(this.dirOf(job.id), 'validation.json'), 'utf8'),
      ) as {
        training: { total_tokens: number };
      };
      return reports.training.total_tokens * job.hyperparameters.n_epochs;
    } catch {
      return null;
    }
  }

  private linkInput(job: JobRow, fileId: string | null, target: string): void {
    fs.rmSync(target, { force: true });
    if (!fileId) return;
    const file = this.s.files.get(job.project, fileId);
    if (!file) throw serverError('file_not_found', `The file ${fileId} was deleted before the job started.`);
    fs.symlinkSync(this.s.blobs.pathOf(file.sha256), target);
  }
}
