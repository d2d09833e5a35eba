// The trainer's stdout contract: which lines become metrics, checkpoints, results, and which stay plain log lines.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runOutcome } from '../../../server/jobs/run-outcome.ts';
import { recordForLine } from '../../../server/jobs/trainer-events.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('protocol');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('recordForLine', () => {
  it('turns progress into a metrics event', () => {
    const line = '{"type":"progress","step":2,"total_steps":9,"epoch":0.5,"loss":1.25,"tokens_per_s":900}';
    expect(recordForLine(line)).toEqual({
      event: {
        type: 'metrics',
        message: 'Step 2/9: training loss=1.2500',
        data: { step: 2, total_steps: 9, epoch: 0.5, train_loss: 1.25, tokens_per_s: 900 },
      },
      progress: true,
    });
  });

  it('records checkpoints', () => {
    expect(recordForLine('{"type":"checkpoint","step":4,"dir":"/out/c4"}')).toMatchObject({
      checkpoint: { step: 4, dir: '/out/c4' },
      progress: false,
    });
  });

  it('keeps anything else as a plain log line, even JSON that breaks the contract', () => {
    for (const line of [
      'Loading model...',
      '{"type":"progress","step":"two"}',
      '{"type":"unknown"}',
      '{not json',
    ])
      expect(recordForLine(line)).toEqual({ event: { message: line }, progress: false });
  });
});

describe('runOutcome', () => {
  const write = (name: string, stdout: string, stderr = '') => {
    const paths = { stdoutPath: path.join(dir, `${name}.out`), stderrPath: path.join(dir, `${name}.err`) };
    fs.writeFileSync(paths.stdoutPath, stdout);
    fs.writeFileSync(paths.stderrPath, stderr);
    return paths;
  };

  it('is done only with a done line and exit code 0', () => {
    const paths = write('ok', '{"type":"done","adapter_dir":"/out","metrics":{"tokens":5}}\n');
    expect(runOutcome(paths, 0)).toMatchObject({ kind: 'done', result: { adapter_dir: '/out' } });
    expect(runOutcome(paths, 1)).toMatchObject({ kind: 'failed', error: { code: 'trainer_crashed' } });
  });

  it('reports the trainer’s own error, or a crash with the end of stderr', () => {
    expect(runOutcome(write('err', '{"type":"error","code":"bad_data","message":"no rows"}\n'), 2)).toEqual({
      kind: 'failed',
      error: { code: 'bad_data', message: 'no rows', param: null },
    });
    const crash = runOutcome(write('crash', 'step 1\n', 'Killed\n'), null);
    expect(crash).toMatchObject({ kind: 'failed', error: { code: 'trainer_crashed' } });
    expect(crash.kind === 'failed' && crash.error.message).toBe(
      'Training stopped without a result: the trainer was killed. Last output: Killed',
    );
  });
});
