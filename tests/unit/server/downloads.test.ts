// Adapter file downloads: ETag, Range (resume after a cut), immutable caching, names that try to escape.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DEMO_MODEL, startTestServer, type TestServer } from './helpers.ts';

let server: TestServer;
let readKey: string;
const big = randomBytes(8 * 1024 * 1024 + 123);
const bigSha = createHash('sha256').update(big).digest('hex');
let adapterId: string;

beforeAll(async () => {
  server = await startTestServer();
  readKey = server.keyFor('alpha', 'adapters:read');
  // A large adapter file, published the way a job publishes one (blob store + adapter row).
  const config = Buffer.from(
    JSON.stringify({ peft_type: 'LORA', r: 8, lora_alpha: 16, target_modules: ['q_proj'] }),
  );
  const files = [];
  for (const [name, bytes] of [
    ['adapter_config.json', config],
    ['adapter_model.safetensors', big],
  ] as const) {
    const blob = await server.services.blobs.put(Readable.from([bytes]));
    files.push({ name, size: blob.size, sha256: blob.sha256 });
  }
  adapterId = server.services.adapters.publish({
    project: 'alpha',
    name: 'big',
    baseModel: DEMO_MODEL,
    peftConfig: { peft_type: 'LORA', r: 8, lora_alpha: 16, target_modules: ['q_proj'] },
    files,
    jobId: null,
  }).id;
});
afterAll(async () => {
  await server.close();
});

const fileUrl = (name = 'adapter_model.safetensors') =>
  `${server.url}/v1/adapters/${adapterId}/files/${name}`;

/** Downloads until at least `cutAt` bytes arrived, then drops the connection (a network cut). */
function downloadUntilCut(cutAt: number): Promise<{ bytes: Buffer; etag: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(fileUrl(), { headers: { authorization: `Bearer ${readKey}` } }, (response) => {
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        if (received >= cutAt) {
          request.destroy();
          resolve({ bytes: Buffer.concat(chunks), etag: String(response.headers.etag) });
        }
      });
      response.on('error', () => undefined);
    });
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
  });
}

describe('adapter file downloads', () => {
  it('serves the file with its SHA-256 as a strong ETag and immutable caching', async () => {
    const response = await fetch(fileUrl(), { headers: { authorization: `Bearer ${readKey}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${bigSha}"`);
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(Number(response.headers.get('content-length'))).toBe(big.length);
    expect(Buffer.from(await response.arrayBuffer()).equals(big)).toBe(true);

    const again = await fetch(fileUrl(), {
      headers: { authorization: `Bearer ${readKey}`, 'if-none-match': `"${bigSha}"` },
    });
    expect(again.status).toBe(304);
  });

  it('resumes a download cut half way with Range and If-Range, and the whole checks out', async () => {
    const first = await downloadUntilCut(big.length / 2);
    expect(first.bytes.length).toBeLessThan(big.length);
    const response = await fetch(fileUrl(), {
      headers: {
        authorization: `Bearer ${readKey}`,
        range: `bytes=${first.bytes.length}-`,
        'if-range': first.etag,
      },
    });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(
      `bytes ${first.bytes.length}-${big.length - 1}/${big.length}`,
    );
    const whole = Buffer.concat([first.bytes, Buffer.from(await response.arrayBuffer())]);
    expect(createHash('sha256').update(whole).digest('hex')).toBe(bigSha);
  });

  it('serves suffix ranges, refuses ranges past the end, and sends the whole file when If-Range is stale', async () => {
    const suffix = await fetch(fileUrl(), {
      headers: { authorization: `Bearer ${readKey}`, range: 'bytes=-10' },
    });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(big.subarray(-10))).toBe(true);
    const past = await fetch(fileUrl(), {
      headers: { authorization: `Bearer ${readKey}`, range: `bytes=${big.length}-` },
    });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${big.length}`);
    const stale = await fetch(fileUrl(), {
      headers: { authorization: `Bearer ${readKey}`, range: 'bytes=0-9', 'if-range': '"other"' },
    });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
  });

  it('accepts the id percent-encoded, as browsers send it (name%40version)', async () => {
    const encoded = encodeURIComponent(adapterId);
    expect(encoded).toContain('%40');
    expect((await api(server, readKey, 'GET', `/v1/adapters/${encoded}`)).status).toBe(200);
    const response = await fetch(`${server.url}/v1/adapters/${encoded}/files/adapter_config.json`, {
      headers: { authorization: `Bearer ${readKey}` },
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
  });

  it('serves only files the manifest lists: traversal attempts get 404', async () => {
    for (const name of [
      '..%2F..%2Fhearth.db',
      '%2E%2E',
      'adapter_config.json%00',
      '..%5C..%5Chearth.db',
      'nope.bin',
    ]) {
      const response = await api<{ error: { code: string } }>(
        server,
        readKey,
        'GET',
        `/v1/adapters/${adapterId}/files/${name}`,
      );
      expect(response.status, name).toBe(404);
    }
    for (const id of ['..%2Fbig@1', 'big@0', 'big', 'big@1%2F..']) {
      expect((await api(server, readKey, 'GET', `/v1/adapters/${id}`)).status, id).toBe(404);
    }
  });

  it('keeps manifests immutable: a new job result becomes a new version, never a changed one', async () => {
    const before = (await api(server, readKey, 'GET', `/v1/adapters/${adapterId}`)).body;
    const next = server.services.adapters.publish({
      project: 'alpha',
      name: 'big',
      baseModel: DEMO_MODEL,
      peftConfig: { r: 4, lora_alpha: 8, target_modules: ['v_proj'] },
      files: [{ name: 'adapter_config.json', size: 2, sha256: 'a'.repeat(64) }],
      jobId: null,
    });
    expect(next.id).toBe('big@2');
    expect((await api(server, readKey, 'GET', `/v1/adapters/${adapterId}`)).body).toEqual(before);
    const list = await api<{ data: Array<{ id: string }> }>(
      server,
      readKey,
      'GET',
      `/v1/adapters?base_model=${DEMO_MODEL}`,
    );
    expect(list.body.data.map((adapter) => adapter.id)).toEqual(['big@2', 'big@1']); // newest first
    const paged = await api<{ data: Array<{ id: string }>; has_more: boolean }>(
      server,
      readKey,
      'GET',
      '/v1/adapters?limit=1&after=big@2',
    );
    expect(paged.body).toMatchObject({ data: [{ id: 'big@1' }], has_more: false });
  });
});
