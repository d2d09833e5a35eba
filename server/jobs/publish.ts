/**
 * Turns a trainer's output folder into a published adapter version: only regular files (never symlinks) with
 * plain names are taken, the PEFT config and the safetensors header are checked, and the bytes are copied into
 * the content-addressed store before the version becomes visible.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AdapterFile, AdapterManifest, PeftConfig } from '../../src/core/adapter-manifest.ts';
import { ADAPTER_FILE_NAME_PATTERN, peftConfigSchema } from '../../src/core/adapter-manifest.ts';
import { serverError } from '../errors.ts';
import type { BlobStore } from '../artifacts/blob-store.ts';
import type { Services } from '../services.ts';

export const REQUIRED_ADAPTER_FILES = ['adapter_config.json', 'adapter_model.safetensors'] as const;
/** Published when the trainer writes them: the PyTorch logits the browser runtime checks itself against. */
export const OPTIONAL_ADAPTER_FILES = ['reference_logits.json'] as const;

export interface PreparedAdapter {
  peftConfig: PeftConfig;
  files: AdapterFile[];
}

function checkSafetensors(filePath: string): void {
  const fd = fs.openSync(filePath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(8);
    if (size < 8 || fs.readSync(fd, head, 0, 8, 0) !== 8) throw new Error('shorter than its header');
    const headerLength = Number(head.readBigUInt64LE(0));
    if (headerLength <= 0 || headerLength > size - 8) throw new Error('header length out of range');
    const header = Buffer.alloc(headerLength);
    fs.readSync(fd, header, 0, headerLength, 8);
    JSON.parse(header.toString('utf8'));
  } finally {
    fs.closeSync(fd);
  }
}

/** `adapterDir` comes from the trainer's output: it must lie inside `outputRoot`. */
export async function prepareAdapter(
  adapterDir: string,
  outputRoot: string,
  blobs: BlobStore,
): Promise<PreparedAdapter> {
  const fail = (message: string) =>
    serverError('invalid_adapter', `The trainer's adapter is unusable: ${message}.`);
  let realDir: string;
  try {
    realDir = fs.realpathSync(path.resolve(outputRoot, adapterDir));
  } catch {
    throw fail(`its folder ${adapterDir} does not exist`);
  }
  const realRoot = fs.realpathSync(outputRoot);
  if (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep))
    throw fail("its folder is outside the job's output folder");

  const files: AdapterFile[] = [];
  for (const name of [...REQUIRED_ADAPTER_FILES, ...OPTIONAL_ADAPTER_FILES]) {
    if (!ADAPTER_FILE_NAME_PATTERN.test(name)) throw fail(`bad file name ${name}`);
    const filePath = path.join(realDir, name);
    const stat = fs.lstatSync(filePath, { throwIfNoEntry: false });
    if (!stat && (OPTIONAL_ADAPTER_FILES as readonly string[]).includes(name)) continue;
    if (!stat) throw fail(`${name} is missing`);
    // A symlink could point anywhere (e.g. at a server secret): only plain files are published.
    if (!stat.isFile()) throw fail(`${name} is not a regular file`);
    files.push({ name, size: 0, sha256: '' });
  }

  let peftConfig: PeftConfig;
  try {
    peftConfig = peftConfigSchema.parse(
      JSON.parse(fs.readFileSync(path.join(realDir, 'adapter_config.json'), 'utf8')),
    );
  } catch (error) {
    throw fail(`adapter_config.json is not a LoRA config (${(error as Error).message.slice(0, 300)})`);
  }
  try {
    checkSafetensors(path.join(realDir, 'adapter_model.safetensors'));
  } catch (error) {
    throw fail(`adapter_model.safetensors is not a safetensors file (${(error as Error).message})`);
  }

  for (const file of files) {
    const blob = await blobs.putFile(path.join(realDir, file.name));
    file.size = blob.size;
    file.sha256 = blob.sha256;
  }
  return { peftConfig, files };
}

/**
 * Publishes a PEFT folder on disk (not a trainer's output) as the next version of `name`, unless its newest
 * version already has exactly these files: so a demo adapter seeded at every start is published once.
 */
export async function publishAdapterFolder(
  s: Pick<Services, 'adapters' | 'blobs'>,
  input: { project: string; name: string; baseModel: string; dir: string },
): Promise<AdapterManifest> {
  const prepared = await prepareAdapter('.', input.dir, s.blobs);
  const newest = s.adapters.list(input.project, { name: input.name, limit: 1 }).data[0];
  const sameFiles = (manifest: AdapterManifest) =>
    manifest.files.length === prepared.files.length &&
    prepared.files.every((file) =>
      manifest.files.some((f) => f.name === file.name && f.sha256 === file.sha256),
    );
  if (newest && newest.base_model === input.baseModel && sameFiles(newest)) return newest;
  return s.adapters.publish({
    project: input.project,
    name: input.name,
    baseModel: input.baseModel,
    peftConfig: prepared.peftConfig,
    files: prepared.files,
    jobId: null,
  });
}
