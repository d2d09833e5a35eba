/**
 * How a finished run ended, from the trainer's own last word (a `done` or `error` line) and its exit status:
 * a result to publish, or an error that says what happened (quoting the end of stderr for a crash).
 */
import type { JobError } from '../store/jobs.ts';
import { allLines, tail } from './log-tail.ts';
import { parseTrainerLine, type TrainerLine } from './trainer-protocol.ts';

export type RunOutcome =
  { kind: 'done'; result: Extract<TrainerLine, { type: 'done' }> } | { kind: 'failed'; error: JobError };

export function runOutcome(
  paths: { stdoutPath: string; stderrPath: string },
  exitCode: number | null,
  detail?: string,
): RunOutcome {
  const result = allLines(paths.stdoutPath)
    .map(parseTrainerLine)
    .filter(
      (line): line is Extract<TrainerLine, { type: 'done' | 'error' }> =>
        line?.type === 'done' || line?.type === 'error',
    )
    .at(-1);
  if (result?.type === 'error')
    return { kind: 'failed', error: { code: result.code, message: result.message, param: null } };
  if (result?.type === 'done' && exitCode === 0) return { kind: 'done', result };
  const stderr = tail(paths.stderrPath, 1500);
  const how =
    detail ?? (exitCode === null ? 'the trainer was killed' : `the trainer exited with code ${exitCode}`);
  return {
    kind: 'failed',
    error: {
      code: 'trainer_crashed',
      message: `Training stopped without a result: ${how}.${stderr ? ` Last output: ${stderr}` : ''}`,
      param: null,
    },
  };
}
