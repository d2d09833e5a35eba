/**
 * Adapter sync against the real server on loopback, with adapters trained by the real trainer:
 * list with a read-only key, background download with progress, SHA-256 check, store, hand to the engine,
 * switch only for the next request, pins, offline, a cut download resumed, a tampered file refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterManifest } from '../../../src/core/adapter-manifest.ts';
import { isHearthError } from '../../../src/core/errors.ts';
import { MemoryStore } from '../../../src/models/storage/memory-store.ts';
import { dataKey } from '../../../src/models/storage/layout.ts';
import { AdapterSync, type SyncEvent } from '../../../src/sync/index.ts';
import { startTestServer, type TestServer } from '../server/helpers.ts';
import { BASE_MODEL, RecordingHost, faultyFetch, publish, sha256, trainAdapters } from './helpers.ts';

let server: TestServer;
let readKey: string;
let dirs: string[];
let v1: AdapterManifest;
let v2: AdapterManifest;

beforeAll(async () => {
  [server, dirs] = await Promise.all([startTestServer(), trainAdapters([11, 12, 13])]);
  readKey = server.keyFor('alpha', 'adapters:read');
  v1 = await publish(server, 'alpha', 'pirate', dirs[0]!);
}, 120_000);

afterAll(async () => server?.close());

const weightsOf = (m: AdapterManifest) => m.files.find((f) => f.name === 'adapter_model.safetensors')!;

function open(
  host: RecordingHost,
  store: MemoryStore,
  extra: Partial<Parameters<typeof AdapterSync.open>[0]> = {},
) {
  const events: SyncEvent[] = [];
  return AdapterSync.open({
    baseUrl: server.url,
    apiKey: readKey,
    baseModel: BASE_MODEL,
    host,
    store,
    retryDelayMs: 10,
    onEvent: (e) => events.push(e),
    ...extra,
  }).then((sync) => ({ sync, events }));
}

describe('adapter sync', () => {
  const store = new MemoryStore();
  const host = new RecordingHost();

  it('lists the base model’s adapters with a read-only key, and only those', async () => {
    await publish(server, 'alpha', 'elsewhere', dirs[1]!, 'other-org/other-model');
    await publish(server, 'beta', 'secret', dirs[1]!); // another project's adapter, never shared
    const { sync } = await open(new RecordingHost(), new MemoryStore());
    const listed = await sync.list();
    expect(listed.map((m) => m.id)).toEqual(['pirate@1']);
    expect(listed[0]!.files.map((f) => f.name).sort()).toEqual([
      'adapter_config.json',
      'adapter_model.safetensors',
      'reference_logits.json',
    ]);
  });

  it('downloads, verifies, stores and hands the newest version to the engine, with progress', async () => {
    const { sync, events } = await open(host, store);
    expect(sync.current('pirate')).toBeUndefined();
    const progress: { phase: string; loaded: number; total: number }[] = [];
    const report = await sync.sync({ onProgress: (p) => progress.push(p) });
    expect(report).toMatchObject({
      offline: false,
      downloaded: ['pirate@1'],
      current: { pirate: 'pirate@1' },
      failed: [],
    });
    expect(host.loads).toHaveLength(1);
    expect(host.loads[0]!.weightsSha256).toBe(weightsOf(v1).sha256);
    expect(host.loads[0]!.config).toMatchObject({
      r: 8,
      lora_alpha: 16,
      target_modules: ['q_proj', 'v_proj'],
    });
    // only the engine's two PEFT files travel; the trainer's reference stays on the server unless asked for
    const total = v1.files.filter((f) => f.name !== 'reference_logits.json').reduce((s, f) => s + f.size, 0);
    expect(progress.at(-1)).toMatchObject({ loaded: total, total });
    expect(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1]!.loaded)).toBe(true);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['download-progress', 'downloaded', 'activated']),
    );
    expect(sync.stored().map((m) => m.id)).toEqual(['pirate@1']);
    // a second pass has nothing to do
    expect((await sync.sync()).downloaded).toEqual([]);
    expect(host.loads).toHaveLength(1);
  });

  it('switches to a new version only for the next request; the running one keeps its ref', async () => {
    const { sync } = await open(host, store);
    const running = sync.resolve('pirate'); // a request that started before the new version existed
    expect(running).toBe('pirate@1');
    v2 = await publish(server, 'alpha', 'pirate', dirs[1]!);
    const report = await sync.sync();
    expect(report.current).toEqual({ pirate: 'pirate@2' });
    expect(sync.resolve('pirate')).toBe('pirate@2');
    expect(sync.resolve(running)).toBe('pirate@1'); // still loaded, still valid
    expect(host.refs()).toContain('pirate@2');
    expect(host.loads.find((l) => l.ref === 'pirate@2')!.weightsSha256).toBe(weightsOf(v2).sha256);
  });

  it('pins a version, keeps it across syncs, and unpins back to the newest', async () => {
    const { sync } = await open(host, store);
    expect(sync.current('pirate')).toBe('pirate@2');
    expect(await sync.pin('pirate', 1)).toBe('pirate@1');
    expect((await sync.sync()).current).toEqual({ pirate: 'pirate@1' });
    // the pin is stored: a new page keeps it
    const reopened = await open(new RecordingHost(), store);
    expect(reopened.sync.current('pirate')).toBe('pirate@1');
    expect(await sync.pin('pirate', null)).toBe('pirate@2');
    await expect(sync.pin('pirate', 99)).rejects.toMatchObject({ code: 'ADAPTER_NOT_FOUND' });
    await sync.pin('pirate', null);
  });

  it('offline: a new page uses what is stored, and sync reports offline without changing anything', async () => {
    const offlineHost = new RecordingHost();
    const { sync, events } = await open(offlineHost, store, {
      fetch: faultyFetch({ offline: () => true }).fetch,
    });
    expect(sync.current('pirate')).toBe('pirate@2');
    expect(offlineHost.refs()).toEqual(['pirate@2']);
    const report = await sync.sync();
    expect(report).toMatchObject({ offline: true, current: { pirate: 'pirate@2' }, failed: [] });
    expect(events.at(-1)).toMatchObject({ type: 'offline' });
  });

  it('resumes a download cut half way from the stored bytes (HTTP Range)', async () => {
    const v3 = await publish(server, 'alpha', 'pirate', dirs[2]!);
    const weightsUrl = (url: string) => url.includes('pirate%403/files/adapter_model.safetensors');
    const faulty = faultyFetch({ cutOnce: weightsUrl });
    const { sync } = await open(host, store, { fetch: faulty.fetch, retries: 0 });
    const first = await sync.sync();
    expect(first.failed).toMatchObject([
      { ref: 'pirate@3', code: 'ADAPTER_DOWNLOAD_FAILED', kept: 'pirate@2' },
    ]);
    expect(first.current).toEqual({ pirate: 'pirate@2' });
    const second = await sync.sync();
    expect(second).toMatchObject({ downloaded: ['pirate@3'], current: { pirate: 'pirate@3' }, failed: [] });
    const ranges = faulty.requests.filter((r) => weightsUrl(r.url)).map((r) => r.range);
    const half = Math.floor(weightsOf(v3).size / 2);
    expect(ranges).toEqual([null, `bytes=${half}-`]);
    expect(host.loads.find((l) => l.ref === 'pirate@3')!.weightsSha256).toBe(weightsOf(v3).sha256);
  });

  it('refuses a version whose bytes do not match the manifest, keeps the previous one and says why', async () => {
    const v4 = await publish(server, 'alpha', 'pirate', dirs[0]!); // the bytes of v1 again
    const tampered = faultyFetch({
      tamper: (url) => url.includes('pirate%404/files/adapter_model.safetensors'),
    });
    const fresh = new MemoryStore();
    const freshHost = new RecordingHost();
    const { sync, events } = await open(freshHost, fresh, { fetch: tampered.fetch });
    expect(await sync.pin('pirate', 3)).toBe('pirate@3');
    await sync.pin('pirate', null);
    const report = await sync.sync();
    expect(report.current).toEqual({ pirate: 'pirate@3' });
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({
      ref: 'pirate@4',
      code: 'ADAPTER_VERIFY_FAILED',
      kept: 'pirate@3',
    });
    expect(report.failed[0]!.message).toContain(weightsOf(v4).sha256);
    expect(freshHost.refs()).toEqual(['pirate@3']);
    expect(events.some((e) => e.type === 'failed')).toBe(true);
    expect(sync.stored().map((m) => m.id)).toEqual(['pirate@3']);
    // nothing of the bad copy is kept
    expect(await fresh.read(dataKey('adapters/pirate', '4', 'adapter_model.safetensors'))).toBeUndefined();
  });

  it('drops a damaged stored copy on open, falls back to the previous version, and can fetch it again', async () => {
    const weights = dataKey('adapters/pirate', '3', 'adapter_model.safetensors');
    const stored = (await store.read(weights))!;
    const appender = await store.append(weights, { truncate: true });
    await appender.write(stored.map((b, i) => (i === 100 ? b ^ 1 : b)));
    await appender.close();
    const pageHost = new RecordingHost();
    const { sync, events } = await open(pageHost, store);
    expect(sync.current('pirate')).toBe('pirate@2');
    expect(pageHost.refs()).toEqual(['pirate@2']);
    expect(events.find((e) => e.type === 'failed')).toMatchObject({
      failure: { ref: 'pirate@3', code: 'ADAPTER_STORED_CORRUPT' },
    });
    expect(sync.stored().map((m) => m.id)).toEqual(['pirate@2', 'pirate@1']);
    expect(await sync.pin('pirate', 3)).toBe('pirate@3'); // downloaded again, verified
    await sync.pin('pirate', null);
    const report = await sync.sync();
    expect(report).toMatchObject({ downloaded: ['pirate@4'], current: { pirate: 'pirate@4' }, failed: [] });
  });

  it('keeps the previous version when the engine refuses a new one', async () => {
    const refusing = new RecordingHost((ref) => ref === 'pirate@2');
    const fresh = new MemoryStore();
    const { sync } = await open(refusing, fresh, { names: ['pirate'] });
    expect(await sync.pin('pirate', 1)).toBe('pirate@1');
    await expect(sync.pin('pirate', 2)).rejects.toMatchObject({ code: 'ADAPTER_LOAD_FAILED' });
    expect(sync.current('pirate')).toBe('pirate@1'); // and the failed pin was not kept
    const report = await sync.sync(); // newest is 4; the refused 2 is never used
    expect(report.current).toEqual({ pirate: 'pirate@1' });
    expect(refusing.refs()).not.toContain('pirate@2');
  });

  it('stops a download on abort without switching, and a later pass finishes it', async () => {
    const pageStore = new MemoryStore();
    const { sync } = await open(new RecordingHost(), pageStore);
    await sync.pin('pirate', 1);
    await sync.pin('pirate', null);
    const controller = new AbortController();
    const aborted = await sync
      .sync({ signal: controller.signal, onProgress: () => controller.abort() })
      .catch((e: unknown) => e);
    expect(isHearthError(aborted, 'ABORTED')).toBe(true);
    expect(sync.current('pirate')).toBe('pirate@1');
    const report = await sync.sync();
    expect(report.current).toEqual({ pirate: 'pirate@4' });
  });

  it('polls in the background and picks up a new version for the next request', async () => {
    const pageHost = new RecordingHost();
    const activated: string[] = [];
    const { sync } = await open(pageHost, store, {
      onEvent: (e) => void (e.type === 'activated' && activated.push(e.ref)),
    });
    const before = sync.current('pirate');
    sync.start(40);
    try {
      const v5 = await publish(server, 'alpha', 'pirate', dirs[1]!);
      const deadline = Date.now() + 20_000;
      while (sync.current('pirate') !== v5.id && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(sync.current('pirate')).toBe(v5.id);
      expect(activated).toEqual([before, v5.id]);
    } finally {
      sync.stop();
    }
  });

  it('reports a wrong key clearly', async () => {
    const { sync } = await open(new RecordingHost(), new MemoryStore(), { apiKey: 'hk-read-not-a-key' });
    const error = await sync.sync().catch((e: unknown) => e);
    expect(isHearthError(error, 'ADAPTER_AUTH_FAILED')).toBe(true);
  });

  it('sha256 helper agrees with the manifest for a stored file', async () => {
    const bytes = await store.read(dataKey('adapters/pirate', '1', 'adapter_config.json'));
    expect(sha256(bytes!)).toBe(v1.files.find((f) => f.name === 'adapter_config.json')!.sha256);
  });
});
