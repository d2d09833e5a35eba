/**
 * Test kit for adapter sync: real adapters trained by the real trainer (once per run), published into a real
 * server on loopback, an engine stand-in that records what it is handed, and fetch wrappers for faults.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AdapterManifest } from '../../../src/core/adapter-manifest.ts';
import type { AdapterFiles, AdapterHost } from '../../../src/sync/index.ts';
import { prepareAdapter } from '../../../server/jobs/publish.ts';
import type { TestServer } from '../server/helpers.ts';
import { train } from '../trainer/run-trainer.ts';

export const BASE_MODEL = 'hearth-demo/tiny-llama-chat';

/** Trains one small adapter per seed on the tiny demo model (about a second each plus PyTorch's start). */
export async function trainAdapters(seeds: number[]): Promise<string[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'hearth-sync-adapters-'));
  return Promise.all(
    seeds.map(async (seed) => {
      const out = path.join(root, `seed-${seed}`);
      const run = await train({
        out,
        seed,
        epochs: 1,
        extra: ['--no-checkpoints', '--reference-steps', '0'],
      });
      if (run.code !== 0) throw new Error(`trainer failed: ${run.stdout}${run.stderr}`);
      return out;
    }),
  );
}

/** Publishes a trainer output folder as the next version of `name`, as a finished job would. */
export async function publish(
  server: TestServer,
  project: string,
  name: string,
  dir: string,
  baseModel = BASE_MODEL,
): Promise<AdapterManifest> {
  const prepared = await prepareAdapter(dir, path.dirname(dir), server.services.blobs);
  return server.services.adapters.publish({
    project,
    name,
    baseModel,
    peftConfig: prepared.peftConfig,
    files: prepared.files,
    jobId: null,
  });
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Stands in for the LoRA engine: accepts everything (or refuses chosen refs) and remembers what it got. */
export class RecordingHost implements AdapterHost {
  readonly loads: { ref: string; config: unknown; weightsSha256: string }[] = [];
  constructor(private readonly refuse: (ref: string) => boolean = () => false) {}

  async load(ref: string, files: AdapterFiles): Promise<void> {
    if (this.refuse(ref)) throw Object.assign(new Error(`shape mismatch in ${ref}`), {});
    this.loads.push({ ref, config: files.config, weightsSha256: sha256(files.weights) });
  }

  refs(): string[] {
    return this.loads.map((l) => l.ref);
  }
}

export interface RecordedRequest {
  url: string;
  range: string | null;
}

/**
 * fetch that records requests and injects faults: the body of chosen downloads cut half way once (a dropped
 * connection), bytes altered in transit (a bad proxy), or no network at all.
 */
export function faultyFetch(
  options: {
    cutOnce?: (url: string) => boolean;
    tamper?: (url: string) => boolean;
    offline?: () => boolean;
  } = {},
) {
  const requests: RecordedRequest[] = [];
  const cut = new Set<string>();
  const impl: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (options.offline?.()) throw new TypeError('fetch failed');
    const headers = new Headers(init?.headers);
    requests.push({ url, range: headers.get('range') });
    const response = await fetch(input, init);
    if (options.tamper?.(url) && response.ok) {
      const bytes = new Uint8Array(await response.arrayBuffer());
      bytes[bytes.length - 1]! ^= 0xff;
      return new Response(bytes, { status: response.status, headers: response.headers });
    }
    if (!options.cutOnce?.(url) || cut.has(url) || !response.body) return response;
    cut.add(url);
    const whole = new Uint8Array(await response.arrayBuffer());
    const half = whole.subarray(0, Math.floor(whole.byteLength / 2));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(half);
      },
      pull(controller) {
        controller.error(new TypeError('terminated'));
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: impl, requests };
}
