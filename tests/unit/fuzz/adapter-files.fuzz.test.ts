// Property/fuzz test of the safetensors reader and the PEFT config's patterns against independent Python
// readers, run over the same inputs in one Python process each (fixed seed). Every input is either refused
// with a code, or accepted and equal to what Python reads.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSafetensors, writeSafetensors } from '../../../src/core/safetensors.ts';
import { isTargeted, parseAdapterConfig, rankOf } from '../../../src/engines/lora/adapter-config.ts';
import { moduleName, PROJECTIONS } from '../../../src/engines/lora/targets.ts';
import { seededRng } from '../../../src/engines/llm/sampling/rng.ts';

const REPO = path.resolve(import.meta.dirname, '../../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-fuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A fixed seed gives the same inputs on every machine (the engine's own seeded PRNG). */
const rng = (seed: number) => {
  const source = seededRng(seed);
  return () => source.next();
};

function python(script: string, input: string): string {
  return execFileSync('/usr/bin/python3', ['-c', script], {
    cwd: path.join(REPO, 'trainer'),
    input,
    env: { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    maxBuffer: 64 * 2 ** 20,
    timeout: 60_000,
  }).toString();
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('safetensors reader', () => {
  it('refuses every mutated file with a code, or reads it as the trainer’s reader does', () => {
    const random = rng(17);
    const base = writeSafetensors(
      {
        'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight': {
          shape: [2, 8],
          data: Float32Array.from({ length: 16 }, (_, i) => i / 3),
        },
        'base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight': {
          shape: [8, 2],
          data: Float32Array.from({ length: 16 }, (_, i) => -i / 7),
        },
      },
      { format: 'pt' },
    );
    const headerLength = Number(new DataView(base.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(base.subarray(8, 8 + headerLength));
    const edits = [
      () =>
        header.replace(
          '"F32"',
          JSON.stringify(['F16', 'BF16', 'I32', 'F64', 'constructor', 'X'][Math.floor(random() * 6)]),
        ),
      () => header.replace('[2,8]', JSON.stringify([Math.floor(random() * 5), Math.floor(random() * 10)])),
      () =>
        header.replace(
          /"data_offsets":\[(\d+),(\d+)\]/,
          (_, a: string, b: string) =>
            `"data_offsets":[${Number(a) + Math.floor(random() * 9) - 4},${Number(b) + Math.floor(random() * 9) - 4}]`,
        ),
      () =>
        header.replace(
          '"__metadata__":{"format":"pt"}',
          '"__metadata__":' + ['null', '[]', '{"a":1}', '{"__proto__":"x"}'][Math.floor(random() * 4)],
        ),
      () => {
        const at = Math.floor(random() * header.length);
        return (
          header.slice(0, at) + String.fromCharCode(32 + Math.floor(random() * 95)) + header.slice(at + 1)
        );
      },
    ];
    const cases: string[] = [];
    for (let i = 0; i < 300; i++) {
      let file: Uint8Array;
      const kind = random();
      if (kind < 0.3) {
        file = base.subarray(0, Math.floor(random() * base.length));
      } else {
        const edited = edits[Math.floor(random() * edits.length)]!();
        const bytes = new TextEncoder().encode(edited);
        const data = base.subarray(8 + headerLength);
        file = new Uint8Array(8 + bytes.length + data.length);
        new DataView(file.buffer).setBigUint64(0, BigInt(bytes.length), true);
        file.set(bytes, 8);
        file.set(data, 8 + bytes.length);
        if (kind > 0.9) file = file.subarray(0, file.length - 1 - Math.floor(random() * 8));
      }
      const name = path.join(dir, `st-${i}.safetensors`);
      fs.writeFileSync(name, file);
      cases.push(name);
    }
    const out = python(
      `
import hashlib, json, sys
from hearth_trainer.safetensors_io import load_file
for name in sys.stdin.read().split():
    try:
        tensors = load_file(name)
        print(json.dumps({k: [str(v.dtype), list(v.shape), hashlib.sha256(v.contiguous().view(-1).numpy().tobytes() if v.numel() else b"").hexdigest()] for k, v in tensors.items()}))
    except Exception as e:
        print(json.dumps(None))
`,
      cases.join('\n'),
    )
      .trim()
      .split('\n');
    expect(out).toHaveLength(cases.length);
    const torchDtype: Record<string, string> = {
      F32: 'torch.float32',
      F16: 'torch.float16',
      BF16: 'torch.bfloat16',
      F64: 'torch.float64',
      I32: 'torch.int32',
    };
    let accepted = 0;
    for (const [i, file] of cases.entries()) {
      let parsed;
      try {
        parsed = parseSafetensors(new Uint8Array(fs.readFileSync(file)));
      } catch (error) {
        expect(error, file).toMatchObject({ code: 'SAFETENSORS_INVALID' });
        continue;
      }
      accepted++;
      const reference = JSON.parse(out[i]!) as Record<string, [string, number[], string]> | null;
      expect(reference, `${file}: accepted here, refused by the trainer's reader`).not.toBeNull();
      expect([...parsed.tensors.keys()].sort()).toEqual(Object.keys(reference!).sort());
      for (const tensor of parsed.tensors.values()) {
        const [dtype, shape, hash] = reference![tensor.name]!;
        expect(dtype).toBe(torchDtype[tensor.dtype]);
        expect(tensor.shape).toEqual(shape);
        expect(sha(tensor.bytes)).toBe(hash);
      }
    }
    expect(accepted).toBeGreaterThan(10); // the mutations leave some files valid: the comparison ran
  }, 60_000);
});

describe('PEFT config patterns', () => {
  it('match exactly what Python re matches, or are refused with ADAPTER_INVALID', () => {
    const random = rng(29);
    const atoms = [
      'q_proj',
      'k_proj',
      'v_proj',
      'mlp',
      'self_attn',
      'layers',
      '\\.',
      '.',
      '.*',
      '[0-9]',
      '\\d+',
      '[qk]',
      '_proj',
      'model',
      '1',
      '0',
    ];
    const ops = ['', '', '', '*', '+', '?', '|'];
    // Python's re backtracks: nested or stacked quantifiers would make the reference, not the code under test,
    // run for minutes. So a quantifier follows only an atom without one, and `.*` appears at most once.
    const pattern = (): string => {
      let out = '';
      let wild = false;
      const n = 1 + Math.floor(random() * 5);
      for (let i = 0; i < n; i++) {
        let atom = atoms[Math.floor(random() * atoms.length)]!;
        if (atom === '.*' && wild) atom = '.';
        if (atom === '.*') wild = true;
        if (random() < 0.2 && !/[*+?]$/.test(atom)) atom = `(${atom}|${atoms[Math.floor(random() * 3)]})`;
        const op = /[*+?]$/.test(atom) ? '' : ops[Math.floor(random() * ops.length)]!;
        out += atom + op;
      }
      if (random() < 0.05) out += ['(', ')', '[', '(?=x)', '\\1'][Math.floor(random() * 5)];
      return out.replace(/\|$/, '');
    };
    const modules = [0, 1, 12].flatMap((layer) => PROJECTIONS.map((p) => moduleName(layer, p)));
    const cases = Array.from({ length: 400 }, () => ({ target: pattern(), key: pattern() }));
    const out = python(
      `
import json, re, sys
data = json.loads(sys.stdin.read())
res = []
for case in data["cases"]:
    try:
        t = re.compile(case["target"]); k = re.compile(rf"(.*\\.)?({case['key']})$")
        res.append([[bool(t.fullmatch(m)), bool(k.match(m))] for m in data["modules"]])
    except re.error:
        res.append(None)
print(json.dumps(res))
`,
      JSON.stringify({ cases, modules }),
    );
    const reference = JSON.parse(out) as Array<Array<[boolean, boolean]> | null>;
    let compared = 0;
    for (const [i, { target, key }] of cases.entries()) {
      let config;
      try {
        config = parseAdapterConfig({
          r: 8,
          lora_alpha: 16,
          target_modules: target,
          rank_pattern: { [key]: 4 },
        });
      } catch (error) {
        expect(error, `${target} / ${key}`).toMatchObject({ code: 'ADAPTER_INVALID' });
        continue;
      }
      expect(reference[i], `${target} / ${key}: compiled here, not by Python re`).not.toBeNull();
      compared++;
      for (const [m, module] of modules.entries()) {
        expect(
          [isTargeted(config, module), rankOf(config, module) === 4],
          `${target} / ${key} on ${module}`,
        ).toEqual(reference[i]![m]);
      }
    }
    expect(compared).toBeGreaterThan(300);
  }, 60_000);
});
