/**
 * Adapter versions kept on the device, in the same byte store as the model assets (OPFS, else the Cache API):
 *   adapters%2F<name>/<version>/data/<file>   the bytes (downloaded by the model store's resumable downloader)
 *   adapters%2F<name>/<version>/meta/<file>.json
 *   .adapter-state/<base model>.json           verified versions (their manifests) and pins, per base model
 * A version enters the state only after every file matched the manifest's size and SHA-256, and its files
 * are checked again whenever they are read back, so a damaged store never reaches the engine.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { adapterManifestSchema, type AdapterManifest } from '../core/adapter-manifest.ts';
import { dataKey, modelKey, readText, writeText, type ByteStore } from '../models/index.ts';
import { syncError } from './errors.ts';

const stateSchema = z.object({
  installed: z.array(adapterManifestSchema),
  pins: z.record(z.string(), z.number().int().positive()),
});
export type AdapterState = z.infer<typeof stateSchema>;

/** The repo/revision an adapter version occupies in the byte store. */
export const storeRepo = (name: string) => `adapters/${name}`;
export const storeRevision = (version: number) => String(version);

export class AdapterStore {
  private state: AdapterState = { installed: [], pins: {} };

  constructor(
    readonly bytes: ByteStore,
    private readonly baseModel: string,
  ) {}

  private get stateKey() {
    return ['.adapter-state', `${encodeURIComponent(this.baseModel)}.json`];
  }

  async open(): Promise<this> {
    const text = await readText(this.bytes, this.stateKey);
    const parsed = text === undefined ? undefined : stateSchema.safeParse(safeJson(text));
    // An unreadable state file loses the index, not the bytes: versions are downloaded again (resumed).
    if (parsed?.success) this.state = parsed.data;
    return this;
  }

  installed(name?: string): AdapterManifest[] {
    const all = this.state.installed.filter((m) => name === undefined || m.name === name);
    return all.sort((a, b) => b.version - a.version || a.name.localeCompare(b.name));
  }

  has(id: string): boolean {
    return this.state.installed.some((m) => m.id === id);
  }

  names(): string[] {
    return [...new Set(this.state.installed.map((m) => m.name))].sort();
  }

  pin(name: string): number | undefined {
    return this.state.pins[name];
  }

  async setPin(name: string, version: number | null): Promise<void> {
    if (version === null) delete this.state.pins[name];
    else this.state.pins[name] = version;
    await this.save();
  }

  async markInstalled(manifest: AdapterManifest): Promise<void> {
    this.state.installed = [...this.state.installed.filter((m) => m.id !== manifest.id), manifest];
    await this.save();
  }

  /** Forgets a version and deletes its bytes (a damaged copy, or one the user removes). */
  async remove(manifest: AdapterManifest): Promise<void> {
    this.state.installed = this.state.installed.filter((m) => m.id !== manifest.id);
    await this.save();
    await this.bytes.removeTree(modelKey(storeRepo(manifest.name), storeRevision(manifest.version)));
  }

  /**
   * The version's files named in `required` (and those of `optional` that are stored), each checked against
   * the manifest's size and SHA-256 again.
   */
  async readFiles(
    manifest: AdapterManifest,
    required: readonly string[],
    optional: readonly string[] = [],
  ): Promise<Map<string, Uint8Array>> {
    const files = new Map<string, Uint8Array>();
    for (const file of manifest.files) {
      if (!required.includes(file.name) && !optional.includes(file.name)) continue;
      const bytes = await this.bytes.read(
        dataKey(storeRepo(manifest.name), storeRevision(manifest.version), file.name),
      );
      if (!bytes && optional.includes(file.name)) continue;
      const actual = bytes && bytesToHex(sha256(bytes));
      if (!bytes || bytes.byteLength !== file.size || actual !== file.sha256)
        throw syncError(
          'ADAPTER_STORED_CORRUPT',
          `The stored copy of ${manifest.id} is damaged (${file.name}: ${bytes ? `SHA-256 ${actual}` : 'missing'}, manifest ${file.sha256}); it was removed and will be downloaded again.`,
          { id: manifest.id, file: file.name },
        );
      files.set(file.name, bytes);
    }
    return files;
  }

  private async save(): Promise<void> {
    await writeText(this.bytes, this.stateKey, JSON.stringify(this.state));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
