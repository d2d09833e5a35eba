/**
 * The real trainer on the tiny demo model (CPU): PEFT files, falling loss, seeded determinism, torchrun-style
 * data parallelism (the first gradient within float32 bounds on stand-ins for other CPUs, two epochs in float64),
 * clear errors, and a reference that an independent PyTorch computation reproduces.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpuVariants } from './cpu-variants.ts';
import {
  coverage,
  crossRatio,
  ownRatio,
  readProbe,
  referenceRatio,
  type GradientProbe,
} from './gradient-bound.ts';
import {
  DATA,
  PYTHON,
  ROOT,
  TINY_MODEL,
  maxAbsDiff,
  runPython,
  safetensorsHeader,
  train,
  trainRanks,
  type RunResult,
  type TrainerEvent,
} from './run-trainer.ts';

const work = mkdtempSync(path.join(tmpdir(), 'hearth-trainer-'));
const HELPERS = 'tests/unit/trainer/helpers';
let first: RunResult;
const firstDir = path.join(work, 'seed7');

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function ofType<T extends TrainerEvent['type']>(r: RunResult, type: T) {
  return r.events.filter((e): e is Extract<TrainerEvent, { type: T }> => e.type === type);
}

interface Reference {
  prompt: { ids: number[]; text: string };
  adapter: { tokens: number[]; logits: number[][] };
  base: { tokens: number[]; logits: number[][] };
}

beforeAll(async () => {
  first = await train({ out: firstDir });
  if (first.code !== 0) throw new Error(`trainer failed (${first.code}): ${first.stdout}\n${first.stderr}`);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('trainer on the tiny demo model', () => {
  it('reports progress, checkpoints and done as JSON lines', () => {
    const progress = ofType(first, 'progress');
    // 13 examples, batch 4 -> 4 steps per epoch, 4 epochs
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    for (const p of progress) {
      expect(p.total_steps).toBe(16);
      expect(Number.isFinite(p.loss)).toBe(true);
      expect(p.tokens_per_s).toBeGreaterThan(0);
    }
    expect(progress.at(-1)!.epoch).toBe(4);
    const checkpoints = ofType(first, 'checkpoint');
    expect(checkpoints.map((c) => c.step)).toEqual([4, 8, 12]);
    for (const c of checkpoints)
      expect(safetensorsHeader(path.join(c.dir, 'adapter_model.safetensors'))).toBeTruthy();
    const done = ofType(first, 'done');
    expect(done).toHaveLength(1);
    expect(done[0]!.adapter_dir).toBe(firstDir);
    expect(first.events.at(-1)!.type).toBe('done');
  });

  it('writes a PEFT adapter: config and F32 lora_A [r, in] / lora_B [out, r] per target module', () => {
    const config = JSON.parse(readFileSync(path.join(firstDir, 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 8,
      lora_alpha: 16,
      lora_dropout: 0.05,
      target_modules: ['q_proj', 'v_proj'],
      bias: 'none',
      use_rslora: false,
      use_dora: false,
      fan_in_fan_out: false,
      base_model_name_or_path: 'hearth-demo/tiny-llama-chat',
    });
    const header = safetensorsHeader(path.join(firstDir, 'adapter_model.safetensors'));
    // tiny model: hidden 64, 4 heads x 16 (q out 64), 2 kv heads x 16 (v out 32), 2 layers
    const expected: Record<string, number[]> = {};
    for (const layer of [0, 1]) {
      const p = `base_model.model.model.layers.${layer}.self_attn`;
      expected[`${p}.q_proj.lora_A.weight`] = [8, 64];
      expected[`${p}.q_proj.lora_B.weight`] = [64, 8];
      expected[`${p}.v_proj.lora_A.weight`] = [8, 64];
      expected[`${p}.v_proj.lora_B.weight`] = [32, 8];
    }
    expect(Object.keys(header).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, shape] of Object.entries(expected)) {
      expect(header[name]!.dtype).toBe('F32');
      expect(header[name]!.shape).toEqual(shape);
    }
  });

  it('lowers the loss on assistant tokens (train and validation)', () => {
    const losses = ofType(first, 'progress').map((p) => p.loss);
    const firstEpoch = losses.slice(0, 4).reduce((a, b) => a + b) / 4;
    const lastEpoch = losses.slice(-4).reduce((a, b) => a + b) / 4;
    expect(lastEpoch).toBeLessThan(firstEpoch - 1); // nats per assistant token
    const validLosses = ofType(first, 'checkpoint').map((c) => c.valid_loss!);
    const finalValid = Number(ofType(first, 'done')[0]!.metrics['valid_loss']);
    expect(finalValid).toBeLessThan(validLosses[0]! - 0.5);
  });

  it('is deterministic for a seed and changes with the seed', async () => {
    const again = await train({ out: path.join(work, 'seed7-again') });
    const other = await train({ out: path.join(work, 'seed8'), seed: 8 });
    expect(again.code).toBe(0);
    expect(other.code).toBe(0);
    const weights = (dir: string) => sha256(path.join(dir, 'adapter_model.safetensors'));
    expect(weights(path.join(work, 'seed7-again'))).toBe(weights(firstDir));
    expect(weights(path.join(work, 'seed8'))).not.toBe(weights(firstDir));
    expect(ofType(again, 'progress').map((p) => p.loss)).toEqual(
      ofType(first, 'progress').map((p) => p.loss),
    );
  }, 120_000);

  it('saves a reference that independent PyTorch code (fixture model, merged weights, KV cache) reproduces', async () => {
    const ref = JSON.parse(readFileSync(path.join(firstDir, 'reference_logits.json'), 'utf8')) as Reference;
    const run = await runPython(`${HELPERS}/independent_logits.py`, [TINY_MODEL, firstDir]);
    expect(run.code, run.stderr).toBe(0);
    const independent = JSON.parse(run.stdout) as Pick<Reference, 'adapter' | 'base'> & {
      merged_modules: number;
    };
    expect(independent.merged_modules).toBe(2 * 2); // 2 layers x (q_proj, v_proj)
    for (const which of ['adapter', 'base'] as const) {
      expect(independent[which].tokens).toEqual(ref[which].tokens);
      ref[which].logits.forEach((row, i) => {
        expect(row).toHaveLength(1024);
        // Both float32 PyTorch, by different arithmetic (merged W + s·BA and a KV cache vs separate LoRA sums
        // over full sequences); the bound of tests/unit/llm/ort-parity.test.ts, valid on any x86-64 CPU.
        expect(maxAbsDiff(row, independent[which].logits[i]!)).toBeLessThan(1e-4);
      });
    }
    // the adapter really changes the model
    expect(maxAbsDiff(ref.adapter.logits[0]!, ref.base.logits[0]!)).toBeGreaterThan(0.05);
    // and the base half agrees with the fixture script's own reference for the same prompt
    const fixture = JSON.parse(
      readFileSync(path.join(ROOT, 'tests/fixtures/reference/tiny-llama-chat.json'), 'utf8'),
    ) as { prompt: { ids: number[]; text: string }; fp32: { logits: number[][] } };
    expect(ref.prompt.ids).toEqual(fixture.prompt.ids);
    expect(ref.prompt.text).toBe(fixture.prompt.text);
    expect(maxAbsDiff(ref.base.logits[0]!, fixture.fp32.logits[0]!)).toBeLessThan(1e-4);
  }, 60_000);

  it('renders chats and tokenizes exactly as the fixture reference (built-in ChatML renderer and BPE)', async () => {
    const refPath = path.join(ROOT, 'tests/fixtures/reference/tiny-llama-chat.json');
    const run = await runPython(`${HELPERS}/render_cases.py`, [TINY_MODEL, refPath]);
    expect(run.code, run.stderr).toBe(0);
    const ours = JSON.parse(run.stdout) as {
      chat_template: { name: string; text: string; ids: number[] }[];
      tokenizer: { text: string; ids: number[] }[];
    };
    const ref = JSON.parse(readFileSync(refPath, 'utf8')) as typeof ours;
    expect(ours.chat_template.map((c) => c.name)).toEqual(ref.chat_template.map((c) => c.name));
    ours.chat_template.forEach((c, i) => {
      expect(c.text).toBe(ref.chat_template[i]!.text);
      expect(c.ids).toEqual(ref.chat_template[i]!.ids);
    });
    ours.tokenizer.forEach((t, i) => expect(t.ids).toEqual(ref.tokenizer[i]!.ids));
  });
});

describe('trainer data parallelism (the environment torchrun gives each process)', () => {
  // Dropout off: with it, each rank draws its own masks and no two runs compute the same function.
  const common = ['--no-checkpoints', '--lora-dropout', '0'];
  const variants = cpuVariants();
  const single: GradientProbe[] = [];
  const parallel: GradientProbe[] = [];

  /** The first step's gradient and its bound (see gradient-bound.ts), from one process or from two ranks. */
  async function probe(name: string, world: number, env: Record<string, string> = {}) {
    const file = path.join(work, `probe-${name}.json`);
    const o = { out: path.join(work, `probe-${name}`), epochs: 1, extra: common };
    const penv = { ...env, HEARTH_TRAINER_GRAD_PROBE: file };
    const runs =
      world === 1 ? [await train({ ...o, env: penv })] : await trainRanks(world, { ...o, env: penv });
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(ofType(runs[0]!, 'probe')).toEqual([{ type: 'probe', file }]);
    for (const r of runs.slice(1)) expect(r.events).toEqual([]); // only rank 0 speaks
    return readProbe(file);
  }

  beforeAll(async () => {
    // One variant at a time (three PyTorch processes): the suite shares two cores.
    for (const v of variants) {
      const [one, two] = await Promise.all([probe(`1-${v.name}`, 1, v.env), probe(`2-${v.name}`, 2, v.env)]);
      single.push(one);
      parallel.push(two);
    }
  }, 300_000);

  it('runs each stand-in CPU with the kernels it asks for', () => {
    expect(variants.length).toBeGreaterThanOrEqual(2);
    expect(new Set(variants.map((v) => v.env['ATEN_CPU_CAPABILITY']))).toContain('default');
    variants.forEach((v, i) => {
      for (const p of [single[i]!, parallel[i]!]) {
        expect(p.aten_capability, v.name).toBe(v.aten);
        expect(p.openblas_core, v.name).toBe(v.core);
      }
      expect(single[i]!.world).toBe(1);
      expect(parallel[i]!.world).toBe(2);
    });
    // lora_A and lora_B of q_proj and v_proj in 2 layers, every element with a gradient to compare
    const { elements, nonZero } = coverage(single[0]!);
    expect(elements).toBe(3584);
    expect(nonZero).toBe(elements);
  });

  it('two CPU processes (gloo) all-reduce the gradient one process computes, within float32 summation bounds', () => {
    for (const p of [...single, ...parallel]) expect(ownRatio(p)).toBeLessThanOrEqual(1);
    // every pair, across stand-in CPUs too: one process vs two, one vs one, two vs two
    const all = [...single, ...parallel];
    for (const [i, a] of all.entries())
      for (const b of all.slice(i + 1)) {
        expect(crossRatio(a, b)).toBeLessThanOrEqual(1);
        expect(referenceRatio(a, b)).toBeLessThanOrEqual(1);
      }
  });

  it('fails, by far, on a trainer that sums instead of averaging or trains a rank on the wrong shard', async () => {
    const env = variants[0]!.env;
    const summed = await probe('fault-sum-grads', 2, { ...env, HEARTH_TRAINER_FAULT: 'sum-grads' });
    const sameShard = await probe('fault-same-shard', 2, { ...env, HEARTH_TRAINER_FAULT: 'same-shard' });
    expect(crossRatio(single[0]!, summed)).toBeGreaterThanOrEqual(10);
    expect(ownRatio(summed)).toBeGreaterThanOrEqual(10); // it disagrees with its own float64 replay, too
    expect(crossRatio(single[0]!, sameShard)).toBeGreaterThanOrEqual(10);
  }, 180_000);

  it('two CPU processes train the same adapter as one over two epochs, in float64', async () => {
    // After several AdamW steps with clipping, rounding differences are amplified nonlinearly, so no bound
    // follows from one step's arithmetic; the run is therefore made in float64. To first order the disagreement
    // is proportional to the unit roundoff: the same comparison in float32 (u = 2^-24) reaches 2.2e-4 on the
    // tiny model (AMD EPYC, AVX2 and AVX-512 alike), an amplification of ~4e3 that in float64 (u = 2^-53) gives
    // ~4e-13. 1e-9 leaves three orders of magnitude for CPUs that round less luckily; a rank on the wrong shard
    // moves weights by ~0.1. (Summing instead of averaging hardly shows here, because AdamW's step is invariant to
    // the gradient's scale and clipping caps it: the gradient comparison above is the test for that fault.)
    const f64 = [...common, '--dtype', 'float64', '--reference-steps', '0'];
    const [one, two, wrong] = await Promise.all([
      train({ out: path.join(work, 'f64-single'), epochs: 2, extra: f64 }),
      trainRanks(2, { out: path.join(work, 'f64-ddp'), epochs: 2, extra: f64 }),
      trainRanks(2, {
        out: path.join(work, 'f64-same-shard'),
        epochs: 2,
        extra: f64,
        env: { HEARTH_TRAINER_FAULT: 'same-shard' },
      }),
    ]);
    for (const r of [one, ...two, ...wrong]) expect(r.code, r.stderr).toBe(0);
    expect(ofType(two[0]!, 'done')[0]!.metrics['world_size']).toBe(2);
    const header = safetensorsHeader(path.join(work, 'f64-ddp', 'adapter_model.safetensors'));
    for (const t of Object.values(header)) expect(t.dtype).toBe('F64');
    const diff = async (dir: string) => {
      const check = await runPython(`${HELPERS}/compare_adapters.py`, [path.join(work, 'f64-single'), dir]);
      expect(check.code, check.stderr).toBe(0);
      return Number(check.stdout);
    };
    expect(await diff(path.join(work, 'f64-ddp'))).toBeLessThan(1e-9);
    expect(await diff(path.join(work, 'f64-same-shard'))).toBeGreaterThan(10 * 1e-9);
  }, 180_000);
});

describe('trainer errors', () => {
  it('reports every bad dataset line and exits non-zero', async () => {
    const r = await runPython('trainer/train.py', [
      '--base-model-dir',
      TINY_MODEL,
      '--train-file',
      path.join(DATA, 'bad.jsonl'),
      '--output-dir',
      path.join(work, 'bad'),
      '--n-epochs',
      '1',
      '--batch-size',
      '2',
      '--learning-rate',
      '0.001',
      '--lora-r',
      '4',
      '--lora-alpha',
      '8',
      '--lora-dropout',
      '0',
      '--target-modules',
      'q_proj',
      '--seed',
      '1',
      '--device',
      'cpu',
    ]);
    expect(r.code).toBe(1);
    const error = r.events.at(-1)!;
    expect(error).toMatchObject({ type: 'error', code: 'invalid_dataset' });
    const message = (error as { message: string }).message;
    for (const why of [
      'line 2: not JSON',
      "line 3: unknown role 'wizard'",
      'line 4: no assistant message',
      'line 5: expected',
    ])
      expect(message).toContain(why);
  });

  it('refuses a missing model, bad hyperparameters, an unknown target module and an absent GPU', async () => {
    const base = (over: Record<string, string>) => {
      const args: Record<string, string> = {
        '--base-model-dir': TINY_MODEL,
        '--train-file': path.join(DATA, 'pirate.jsonl'),
        '--output-dir': path.join(work, 'refused'),
        '--n-epochs': '1',
        '--batch-size': '2',
        '--learning-rate': '0.001',
        '--lora-r': '4',
        '--lora-alpha': '8',
        '--lora-dropout': '0',
        '--target-modules': 'q_proj',
        '--seed': '1',
        '--device': 'cpu',
        ...over,
      };
      return runPython('trainer/train.py', Object.entries(args).flat(), {
        HEARTH_TRAINER_BACKEND: 'builtin',
      });
    };
    const cases: [Record<string, string>, string, number][] = [
      [{ '--base-model-dir': path.join(work, 'nowhere') }, 'model_not_found', 1],
      [{ '--lora-r': '0' }, 'invalid_arguments', 2],
      [{ '--learning-rate': '-1' }, 'invalid_arguments', 2],
      [{ '--target-modules': 'wq' }, 'invalid_arguments', 2],
    ];
    const gpu = await new Promise<boolean>((resolve) => {
      const p = spawn(PYTHON, ['-c', 'import torch,sys; sys.exit(0 if torch.cuda.is_available() else 1)']);
      p.on('close', (code) => resolve(code === 0));
    });
    if (!gpu) cases.push([{ '--device': 'cuda' }, 'cuda_unavailable', 1]);
    const runs = await Promise.all(cases.map(([over]) => base(over)));
    cases.forEach(([over, code, exit], i) => {
      expect(runs[i]!.events.at(-1), JSON.stringify(over)).toMatchObject({ type: 'error', code });
      expect(runs[i]!.code, JSON.stringify(over)).toBe(exit);
    });
  }, 60_000);
});
