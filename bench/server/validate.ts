/**
 * `npx tsx bench/server/validate.ts`: dataset validation throughput on an ordinary chat file (BENCH_MB MiB,
 * default 64), in process (best of three, wall and CPU time) and on the validation worker, with the event
 * loop's delay meanwhile (what `/health` waits for). Prints one JSON line; exits 1 below the goals
 * (50 MB/s of CPU time, p99 loop delay 20 ms).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createChatTokens } from '../../server/datasets/chat-tokens.ts';
import { validateDataset } from '../../server/datasets/validate.ts';
import { ValidationPool } from '../../server/datasets/validation-pool.ts';
import { ModelCatalog } from '../../server/models/catalog.ts';
import { ordinaryFile } from '../../tests/unit/server/ordinary-dataset.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const model = new ModelCatalog(path.join(REPO, 'public/models')).get('hearth-demo/tiny-llama-chat')!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-validate-'));
const GOAL_MB_S = 50;
const GOAL_P99_MS = 20;

try {
  const { file, bytes, examples } = ordinaryFile(
    path.join(dir, 'ordinary.jsonl'),
    Number(process.env.BENCH_MB ?? 64),
  );
  const options = { maxTokens: model.maxTokens, tokens: createChatTokens(model.dir) };
  let wall = 0;
  let cpu = 0;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const usage = process.cpuUsage();
    const report = await validateDataset(file, options);
    if (report.examples !== examples)
      throw new Error(`expected ${examples} examples, got ${report.examples}`);
    const { user, system } = process.cpuUsage(usage);
    wall = Math.max(wall, bytes / 1e6 / ((performance.now() - started) / 1000));
    cpu = Math.max(cpu, bytes / 1e6 / ((user + system) / 1e6));
  }

  const pool = new ValidationPool();
  const tiny = path.join(dir, 'tiny.jsonl');
  fs.writeFileSync(tiny, '{}\n');
  await pool.validate({ filePath: tiny, modelDir: model.dir, maxTokens: model.maxTokens }); // starts the worker
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  await pool.validate({ filePath: file, modelDir: model.dir, maxTokens: model.maxTokens });
  const workerMs = performance.now() - started;
  delay.disable();
  await pool.close();

  const result = {
    file_mb: +(bytes / 1e6).toFixed(1),
    in_process_mb_s: +wall.toFixed(1),
    in_process_cpu_mb_s: +cpu.toFixed(1),
    worker_mb_s: +(bytes / 1e6 / (workerMs / 1000)).toFixed(1),
    event_loop_delay_p99_ms: +(delay.percentile(99) / 1e6).toFixed(2),
  };
  console.log(JSON.stringify(result));
  // CPU time: on a quiet machine it is the wall time; on a busy one, waiting for a core does not count.
  if (result.in_process_cpu_mb_s < GOAL_MB_S || result.event_loop_delay_p99_ms > GOAL_P99_MS)
    process.exitCode = 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
