/**
 * Server configuration: environment variables, overridden by `--flag value` command-line flags.
 * Everything is validated here so the rest of the server can trust it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { HearthError } from '../src/core/errors.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const csv = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()))
  .pipe(z.array(z.string()));

const configSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8787),
  dataDir: z.string().default(path.join(REPO_ROOT, '.hearth-data')),
  /** Folder holding base models in the hub layout: `<org>/<name>/resolve/main/config.json`. */
  modelsDir: z.string().default(path.join(REPO_ROOT, 'public/models')),
  executor: z.enum(['local', 'slurm']).default('local'),
  /** Origins allowed to call the API from a browser (the app's origin). */
  corsOrigins: csv.default(['http://127.0.0.1:5173', 'http://localhost:5173']),
  /** JSON bodies. */
  bodyLimitBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** One uploaded file. */
  uploadLimitBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(100 * 1024 * 1024),
  /** The command that starts the trainer; its arguments follow the trainer's command-line contract. */
  trainerCommand: csv.default(['/usr/bin/python3', path.join(REPO_ROOT, 'trainer/train.py')]),
  trainerDevice: z.enum(['cpu', 'cuda', 'auto']).default('auto'),
  /** Learning rate that `learning_rate_multiplier` scales. */
  baseLearningRate: z.coerce.number().positive().default(2e-4),
  /**
   * The fewest valid examples a training file needs (OpenAI's limit is 10). `npm start` lowers it to 1, so a
   * conversation sent from the demo app trains on its own.
   */
  minTrainingExamples: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** How often running jobs are checked (ms). */
  pollIntervalMs: z.coerce.number().int().positive().default(250),
  slurm: z.object({
    partition: z.string().optional(),
    gpus: z.coerce.number().int().min(0).default(0),
    cpusPerTask: z.coerce.number().int().positive().default(1),
    memory: z.string().default('2G'),
    timeLimit: z.string().default('01:00:00'),
    /** Extra `#SBATCH` lines, e.g. `--account=ml`. */
    extraArgs: csv.default([]),
  }),
  /** Seeds one full key for the `default` project (local use). */
  seedApiKey: z.string().min(16).optional(),
});

export type ServerConfig = z.infer<typeof configSchema>;
export type ServerConfigInput = z.input<typeof configSchema>;

const ENV_NAMES: Record<string, string> = {
  HOST: 'host',
  PORT: 'port',
  HEARTH_DATA_DIR: 'dataDir',
  HEARTH_MODELS_DIR: 'modelsDir',
  HEARTH_EXECUTOR: 'executor',
  HEARTH_CORS_ORIGINS: 'corsOrigins',
  HEARTH_BODY_LIMIT_BYTES: 'bodyLimitBytes',
  HEARTH_UPLOAD_LIMIT_BYTES: 'uploadLimitBytes',
  HEARTH_TRAINER_COMMAND: 'trainerCommand',
  HEARTH_TRAINER_DEVICE: 'trainerDevice',
  HEARTH_BASE_LEARNING_RATE: 'baseLearningRate',
  HEARTH_POLL_INTERVAL_MS: 'pollIntervalMs',
  HEARTH_MIN_TRAINING_EXAMPLES: 'minTrainingExamples',
  HEARTH_API_KEY: 'seedApiKey',
};

const SLURM_ENV_NAMES: Record<string, string> = {
  HEARTH_SLURM_PARTITION: 'partition',
  HEARTH_SLURM_GPUS: 'gpus',
  HEARTH_SLURM_CPUS: 'cpusPerTask',
  HEARTH_SLURM_MEMORY: 'memory',
  HEARTH_SLURM_TIME: 'timeLimit',
  HEARTH_SLURM_EXTRA_ARGS: 'extraArgs',
};

/** `--data-dir x` -> `HEARTH_DATA_DIR=x`, `--port 1` -> `PORT=1`: flags use the env names, kebab-cased. */
function flagsToEnv(argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new HearthError('INVALID_INPUT', `The flag --${rawName} needs a value.`);
    const upper = rawName.toUpperCase().replaceAll('-', '_');
    const name = upper in ENV_NAMES || upper in SLURM_ENV_NAMES ? upper : `HEARTH_${upper}`;
    env[name] = value;
  }
  return env;
}

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = [],
  overrides: Partial<ServerConfigInput> = {},
): ServerConfig {
  const merged: Record<string, string | undefined> = { ...env, ...flagsToEnv(argv) };
  const raw: Record<string, unknown> = { slurm: {} };
  for (const [envName, key] of Object.entries(ENV_NAMES)) {
    const value = merged[envName];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const [envName, key] of Object.entries(SLURM_ENV_NAMES)) {
    const value = merged[envName];
    if (value !== undefined && value !== '') (raw.slurm as Record<string, unknown>)[key] = value;
  }
  const input = { ...raw, ...overrides, slurm: { ...(raw.slurm as object), ...overrides.slurm } };
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new HearthError('INVALID_CONFIG', `The server configuration is invalid: ${problems.join('; ')}.`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}
