// The batch script the slurm executor submits: resources from config, torchrun when SLURM gives several GPUs.
import { describe, expect, it } from 'vitest';
import { batchScript } from '../../../server/executors/slurm.ts';

const run = {
  jobId: 'ftjob-abc',
  runDir: '/data/runs/ftjob-abc',
  argv: ['/usr/bin/python3', '/repo/trainer/train.py', '--train-file', "/data/it's here.jsonl"],
  stdoutPath: '/data/runs/ftjob-abc/trainer.out',
  stderrPath: '/data/runs/ftjob-abc/trainer.err',
};
const resources = {
  cpusPerTask: 8,
  memory: '64G',
  timeLimit: '04:00:00',
  gpus: 0,
  extraArgs: [] as string[],
};

describe('batchScript', () => {
  it('asks for the configured resources and quotes the command safely', () => {
    const script = batchScript(
      run,
      { ...resources, partition: 'gpu', gpus: 1, extraArgs: ['--account=ml'] },
      '/repo',
    );
    for (const line of [
      '#SBATCH --cpus-per-task=8',
      '#SBATCH --mem=64G',
      '#SBATCH --time=04:00:00',
      '#SBATCH --partition=gpu',
      '#SBATCH --gres=gpu:1',
      '#SBATCH --account=ml',
      '#SBATCH --output=/data/runs/ftjob-abc/trainer.out',
      '#SBATCH --chdir=/repo',
    ])
      expect(script).toContain(line);
    expect(script).toContain(
      `exec '/usr/bin/python3' '/repo/trainer/train.py' '--train-file' '/data/it'\\''s here.jsonl'`,
    );
  });

  it('starts one process per GPU through torchrun when it asks for several', () => {
    const script = batchScript(run, { ...resources, gpus: 4 }, '/repo');
    expect(script).toContain('#SBATCH --gres=gpu:4');
    expect(script).toContain(
      `exec '/usr/bin/python3' '-m' 'torch.distributed.run' '--standalone' '--nproc_per_node=4' '/repo/trainer/train.py'`,
    );
  });

  it('asks for no GPU when none is configured', () => {
    expect(batchScript(run, resources, '/repo')).not.toContain('--gres');
  });
});
