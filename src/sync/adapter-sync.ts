/**
 * Keeps a device's LoRA adapters in step with the fine-tuning server, for the base model it has loaded:
 * list -> download (background, resumable) -> verify (SHA-256 against the manifest) -> store -> hand to the
 * engine -> switch. The switch is only a change of which `name@version` the *next* request resolves to;
 * versions are immutable and loaded side by side, so a request already running keeps its own.
 * Offline, the stored versions stay in use. A version that fails a check never replaces the one in use.
 */
import { HearthError, abortError, toHearthError } from '../core/errors.ts';
import { formatAdapterId, parseAdapterId, type AdapterManifest } from '../core/adapter-manifest.ts';
import type { LongOperationOptions } from '../core/progress.ts';
import {
  CacheStore,
  cacheStorageAvailable,
  MemoryStore,
  OpfsStore,
  opfsAvailable,
  type ByteStore,
} from '../models/index.ts';
import { AdapterServerClient } from './adapter-server-client.ts';
import type { AdapterFiles, AdapterHost } from './adapter-host.ts';
import { AdapterStore } from './adapter-store.ts';
import { downloadAdapter } from './download-adapter.ts';
import { TrainingClient } from './training-client.ts';
import { syncError } from './errors.ts';
import type { SyncEvent, SyncFailure, SyncReport } from './events.ts';

export interface AdapterSyncOptions {
  /** The fine-tuning server, e.g. `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A browser key: `adapters:read`, or `training` to also send conversations for training; never a full key. */
  apiKey: string;
  /** The loaded base model's id (the catalog id, which is the server's `/v1/models` id). */
  baseModel: string;
  host: AdapterHost;
  /** Follow only these adapter names (default: every adapter of the base model the key can see). */
  names?: string[];
  /** Default: OPFS, else the Cache API, else memory — beside the model assets, under their own root. */
  store?: ByteStore;
  fetch?: typeof fetch;
  /** Attempts after a network error within one download, each resuming. Default 2. */
  retries?: number;
  retryDelayMs?: number;
  onEvent?: (event: SyncEvent) => void;
  /** Also fetch the trainer's `reference_logits.json` and hand it to the engine (parity tests). Default false. */
  includeReference?: boolean;
}

/** What an engine needs; a manifest may list more (the trainer's reference), fetched only on request. */
const PEFT_FILES = ['adapter_config.json', 'adapter_model.safetensors'];
const REFERENCE_FILE = 'reference_logits.json';

const STORE_ROOT = 'hearth-adapters';

function defaultStore(): ByteStore {
  if (opfsAvailable()) return new OpfsStore(STORE_ROOT);
  if (cacheStorageAvailable()) return new CacheStore(STORE_ROOT);
  return new MemoryStore();
}

export class AdapterSync {
  readonly api: AdapterServerClient;
  /** Jobs on the same server with the same key (needs a `training` key). */
  readonly training: TrainingClient;
  private readonly store: AdapterStore;
  /** name -> the ref requests use now */
  private readonly active = new Map<string, string>();
  /** refs the host has accepted */
  private readonly loaded = new Set<string>();
  /** refs the host refused: not offered again in this session (the same immutable bytes would fail again) */
  private readonly refused = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling: AbortController | undefined;

  private constructor(private readonly options: AdapterSyncOptions) {
    this.api = new AdapterServerClient({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: options.fetch,
    });
    this.training = new TrainingClient({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: options.fetch,
    });
    this.store = new AdapterStore(options.store ?? defaultStore(), options.baseModel);
  }

  /**
   * Opens the local store and hands every followed adapter's current version (the pinned one, else the
   * newest stored) to the engine — without the network, so a page opened offline has its adapters at once.
   */
  static async open(options: AdapterSyncOptions): Promise<AdapterSync> {
    const sync = new AdapterSync(options);
    await sync.store.open();
    const failed: SyncFailure[] = [];
    for (const name of sync.store.names().filter((n) => sync.follows(n)))
      await sync.activateStored(name, failed);
    return sync;
  }

  /** The base model whose adapters this sync follows (the server's model id). */
  get baseModel(): string {
    return this.options.baseModel;
  }

  /** The ref (`name@version`) a request for adapter `name` uses now, or undefined if none is ready. */
  current(name: string): string | undefined {
    return this.active.get(name);
  }

  /** Every followed adapter name and the ref it resolves to. */
  currentAll(): Record<string, string> {
    return Object.fromEntries([...this.active].sort());
  }

  /** Resolves what a request names: `name` -> its current ref; `name@version` -> itself, if it is loaded. */
  resolve(nameOrRef: string): string {
    const exact = parseAdapterId(nameOrRef);
    if (exact) {
      if (this.loaded.has(nameOrRef)) return nameOrRef;
      throw syncError(
        'ADAPTER_NOT_FOUND',
        `${nameOrRef} is not on this device; sync, or pin that version first.`,
      );
    }
    const ref = this.active.get(nameOrRef);
    if (!ref)
      throw syncError(
        'ADAPTER_NOT_FOUND',
        `No version of adapter '${nameOrRef}' is on this device yet; sync first.`,
      );
    return ref;
  }

  /** Versions stored on this device (verified), newest first. */
  stored(name?: string): AdapterManifest[] {
    return this.store.installed(name);
  }

  /** What the server offers for this base model, newest first (followed names only). */
  async list(signal?: AbortSignal): Promise<AdapterManifest[]> {
    const all = await this.api.list(this.options.baseModel, signal);
    return all.filter((m) => m.base_model === this.options.baseModel && this.follows(m.name));
  }

  /**
   * One pass: fetch the list, download what is newer than what is stored (or the pinned version if it is
   * missing), verify, store, load into the engine, switch. Never throws for a single adapter's failure:
   * the report says what failed and what stayed in use. Passes run one at a time.
   */
  sync(options: LongOperationOptions = {}): Promise<SyncReport> {
    const run = this.queue.then(() => this.syncOnce(options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Pins `name` to `version` (downloading it if needed), or unpins it with null (back to the newest stored).
   * Returns the ref the next request will use.
   */
  pin(name: string, version: number | null, options: LongOperationOptions = {}): Promise<string | undefined> {
    const run = this.queue.then(async () => {
      const before = this.store.pin(name);
      try {
        return await this.applyPin(name, version, options);
      } catch (error) {
        // A pin that cannot be honoured is not kept: the name goes on resolving as before.
        await this.store.setPin(name, before ?? null);
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyPin(name: string, version: number | null, options: LongOperationOptions) {
    await this.store.setPin(name, version);
    if (version !== null && !this.store.has(formatAdapterId(name, version))) {
      const manifest = await this.api.manifest(formatAdapterId(name, version), options.signal);
      await this.install(manifest, options);
    }
    const failed: SyncFailure[] = [];
    await this.activateStored(name, failed);
    if (version !== null && this.active.get(name) !== formatAdapterId(name, version)) {
      const why = failed[0];
      throw new HearthError(
        why?.code ?? 'ADAPTER_LOAD_FAILED',
        why?.message ?? `${formatAdapterId(name, version)} could not be used.`,
      );
    }
    return this.active.get(name);
  }

  /** Syncs now and then every `intervalMs` in the background until `stop()`; failures arrive as events. */
  start(intervalMs = 60_000): void {
    this.stop();
    const controller = new AbortController();
    this.polling = controller;
    const tick = async () => {
      try {
        await this.sync({ signal: controller.signal });
      } catch {
        // reported through onEvent; the next tick tries again
      }
      if (!controller.signal.aborted) this.timer = setTimeout(tick, intervalMs);
    };
    void tick();
  }

  stop(): void {
    this.polling?.abort(abortError('adapter sync stopped'));
    this.polling = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private follows(name: string): boolean {
    return !this.options.names || this.options.names.includes(name);
  }

  private emit(event: SyncEvent): void {
    this.options.onEvent?.(event);
  }

  private fail(failed: SyncFailure[], ref: string, error: unknown): void {
    const e = toHearthError(error, 'ADAPTER_LOAD_FAILED');
    const name = parseAdapterId(ref)?.name ?? ref;
    const failure: SyncFailure = { ref, code: e.code, message: e.message, kept: this.active.get(name) };
    failed.push(failure);
    this.emit({ type: 'failed', failure });
  }

  private async syncOnce(options: LongOperationOptions): Promise<SyncReport> {
    const report: SyncReport = { offline: false, downloaded: [], current: {}, failed: [] };
    let remote: AdapterManifest[];
    try {
      remote = await this.list(options.signal);
    } catch (error) {
      const e = toHearthError(error);
      if (e.code !== 'ADAPTER_SERVER_UNREACHABLE') throw e;
      this.emit({ type: 'offline', message: e.message });
      return { ...report, offline: true, current: this.currentAll() };
    }
    const byName = new Map<string, AdapterManifest[]>();
    for (const m of remote) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
    for (const [name, versions] of byName) {
      versions.sort((a, b) => b.version - a.version);
      const pinned = this.store.pin(name);
      const wanted = pinned === undefined ? versions[0]! : versions.find((m) => m.version === pinned);
      if (wanted && !this.store.has(wanted.id)) {
        try {
          const download = await this.install(wanted, options);
          report.downloaded.push(wanted.id);
          this.emit({ type: 'downloaded', ref: wanted.id, ...download });
        } catch (error) {
          if (toHearthError(error).code === 'ABORTED') throw error;
          this.fail(report.failed, wanted.id, error);
        }
      }
      await this.activateStored(name, report.failed);
    }
    report.current = this.currentAll();
    return report;
  }

  /** Downloads, verifies and checks the contents of one version, then records it as stored. */
  private async install(manifest: AdapterManifest, options: LongOperationOptions) {
    if (manifest.base_model !== this.options.baseModel)
      throw syncError(
        'ADAPTER_MANIFEST_INVALID',
        `${manifest.id} was trained for ${manifest.base_model}, not the loaded ${this.options.baseModel}.`,
      );
    for (const required of PEFT_FILES)
      if (!manifest.files.some((f) => f.name === required))
        throw syncError(
          'ADAPTER_MANIFEST_INVALID',
          `${manifest.id} lists no ${required}; it is not a PEFT LoRA adapter.`,
        );
    const wanted = [...PEFT_FILES, ...(this.options.includeReference ? [REFERENCE_FILE] : [])];
    const files = manifest.files.filter((f) => wanted.includes(f.name));
    const download = await downloadAdapter({ ...manifest, files }, this.api, this.store, {
      signal: options.signal,
      retries: this.options.retries ?? 2,
      retryDelayMs: this.options.retryDelayMs ?? 500,
      onProgress: (progress) => {
        options.onProgress?.(progress);
        this.emit({ type: 'download-progress', ref: manifest.id, progress });
      },
    });
    await this.store.markInstalled(manifest);
    return download;
  }

  /**
   * Makes `name` resolve to its pinned version, else its newest stored version that the engine accepts.
   * A version whose stored bytes fail the check is removed and the next older one is tried.
   */
  private async activateStored(name: string, failed: SyncFailure[]): Promise<void> {
    const pinned = this.store.pin(name);
    const candidates = this.store.installed(name).filter((m) => pinned === undefined || m.version === pinned);
    for (const manifest of candidates) {
      if (this.active.get(name) === manifest.id) return;
      if (this.refused.has(manifest.id)) continue;
      try {
        await this.hand(manifest);
      } catch (error) {
        if (toHearthError(error).code === 'ADAPTER_STORED_CORRUPT') await this.store.remove(manifest);
        this.fail(failed, manifest.id, error);
        continue;
      }
      const previous = this.active.get(name);
      this.active.set(name, manifest.id);
      this.emit({ type: 'activated', name, ref: manifest.id, previous });
      return;
    }
  }

  private async hand(manifest: AdapterManifest): Promise<void> {
    if (this.loaded.has(manifest.id)) return;
    const files = await this.store.readFiles(
      manifest,
      PEFT_FILES,
      this.options.includeReference ? [REFERENCE_FILE] : [],
    );
    const json = (name: string) => {
      const bytes = files.get(name);
      if (!bytes) return undefined;
      try {
        return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
      } catch {
        throw syncError('ADAPTER_MANIFEST_INVALID', `${manifest.id}: ${name} is not JSON.`);
      }
    };
    const adapterFiles: AdapterFiles = {
      config: json('adapter_config.json'),
      weights: files.get('adapter_model.safetensors')!,
    };
    if (files.has(REFERENCE_FILE)) adapterFiles.reference = json(REFERENCE_FILE);
    try {
      await this.options.host.load(manifest.id, adapterFiles);
    } catch (error) {
      const e = toHearthError(error, 'ADAPTER_LOAD_FAILED');
      this.refused.add(manifest.id);
      throw new HearthError(e.code, `The engine refused ${manifest.id}: ${e.message}`, { cause: error });
    }
    this.loaded.add(manifest.id);
  }
}
