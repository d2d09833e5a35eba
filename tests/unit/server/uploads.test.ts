// Uploads: size limits enforced while streaming, client file names never used as paths, Idempotency-Key.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { api, chatDataset, DEMO_MODEL, uploadText } from './helpers.ts';
import { useTestServer } from './use-test-server.ts';

const server = useTestServer(); // default upload limit: 100 MB

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

/** Streams a multipart upload of `totalBytes` generated on the fly (chunked, no Content-Length). */
function streamUpload(totalBytes: number, options: { declareLength?: boolean } = {}) {
  return new Promise<{ status: number; body: string; sentBytes: number }>((resolve, reject) => {
    const boundary = 'hearthboundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const url = new URL(`${server.url}/v1/files`);
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${server.key}`,
      'content-type': `multipart/form-data; boundary=${boundary}`,
    };
    if (options.declareLength) headers['content-length'] = head.length + totalBytes + tail.length;
    const request = http.request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers,
    });
    let sentBytes = 0;
    let done = false;
    request.on('response', (response) => {
      done = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode!, body, sentBytes });
      });
    });
    request.on('error', (error) => {
      if (!done) reject(error);
    });
    const chunk = Buffer.alloc(1024 * 1024, 0x61); // one reused MiB: the test itself holds no 200 MB
    const pump = () => {
      while (!done && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!request.write(sentBytes === chunk.length ? Buffer.concat([head, chunk]) : chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!done) request.end(tail);
    };
    request.flushHeaders();
    pump();
  });
}

describe('upload limits', () => {
  it('refuses a streamed 200 MB upload with 413, stores nothing, and does not buffer it', async () => {
    const rssBefore = process.memoryUsage().rss;
    const result = await streamUpload(200 * 1024 * 1024);
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error).toMatchObject({
      code: 'file_too_large',
      type: 'invalid_request_error',
    });
    expect(JSON.parse(result.body).error.message).toMatch(/upload limit of 104857600 bytes/);
    // The server stopped reading near the limit instead of taking all 200 MB.
    expect(result.sentBytes).toBeLessThan(200 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(80 * 1024 * 1024);
    expect(filesUnder(path.join(server.dataDir, 'tmp'))).toEqual([]);
    expect(filesUnder(path.join(server.dataDir, 'blobs'))).toEqual([]);
    expect((await api<{ data: unknown[] }>(server, server.key, 'GET', '/v1/files')).body.data).toEqual([]);
  });

  it('refuses a declared 200 MB upload before reading its body', async () => {
    const result = await streamUpload(200 * 1024 * 1024, { declareLength: true });
    expect(result.status).toBe(413);
    expect(result.sentBytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('limits JSON bodies', async () => {
    const response = await api(server, server.key, 'POST', '/v1/fine_tuning/jobs', {
      model: DEMO_MODEL,
      training_file: 'x',
      metadata: { big: 'x'.repeat(2_000_000) },
    });
    expect(response.status).toBe(413);
  });
});

describe('file names', () => {
  it('keeps only the last segment of a path-traversal name and stores bytes by hash', async () => {
    for (const name of ['../../../../etc/passwd', '..\\..\\windows\\win.ini', '../', 'a/\u0000b.jsonl']) {
      const id = await uploadText(server, server.key, chatDataset(10), name);
      const file = (await api<{ filename: string }>(server, server.key, 'GET', `/v1/files/${id}`)).body;
      expect(file.filename).not.toMatch(/[/\\]/);
      expect(file.filename).not.toContain('\u0000');
      expect(file.filename).not.toBe('..');
    }
    const names = (
      await api<{ data: Array<{ filename: string }> }>(server, server.key, 'GET', '/v1/files')
    ).body.data.map((file) => file.filename);
    expect(names).toEqual(['b.jsonl', 'upload.jsonl', 'win.ini', 'passwd']);
    // Nothing was written outside the data folder's blob store; equal bytes are stored once.
    expect(filesUnder(path.join(server.dataDir, 'blobs'))).toHaveLength(1);
    expect(fs.existsSync(path.join(server.dataDir, '..', 'passwd'))).toBe(false);
  });

  it('deletes files, keeping bytes another file still uses', async () => {
    const a = await uploadText(server, server.key, 'same bytes\n');
    const b = await uploadText(server, server.key, 'same bytes\n');
    expect((await api(server, server.key, 'DELETE', `/v1/files/${a}`)).body).toEqual({
      id: a,
      object: 'file',
      deleted: true,
    });
    const content = await fetch(`${server.url}/v1/files/${b}/content`, {
      headers: { authorization: `Bearer ${server.key}` },
    });
    expect(await content.text()).toBe('same bytes\n');
    expect((await api(server, server.key, 'GET', `/v1/files/${a}`)).status).toBe(404);
  });

  it('rejects an unsupported purpose', async () => {
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', new Blob(['x']), 'x.txt');
    const response = await fetch(`${server.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.key}` },
      body: form,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe('purpose');
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response for a retry and refuses the key for a different request', async () => {
    server.setTrainerMode('slow');
    const file = await uploadText(server, server.key, chatDataset(10));
    const request = { model: DEMO_MODEL, training_file: file, suffix: 'idem' };
    const first = await api<{ id: string }>(server, server.key, 'POST', '/v1/fine_tuning/jobs', request, {
      'idempotency-key': 'k-1',
    });
    const retry = await api<{ id: string }>(server, server.key, 'POST', '/v1/fine_tuning/jobs', request, {
      'idempotency-key': 'k-1',
    });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const jobs = (
      await api<{ data: Array<{ id: string }> }>(server, server.key, 'GET', '/v1/fine_tuning/jobs')
    ).body.data;
    expect(jobs.filter((job) => job.id === first.body.id)).toHaveLength(1);
    expect(jobs).toHaveLength(1);
    const other = await api<{ error: { code: string } }>(
      server,
      server.key,
      'POST',
      '/v1/fine_tuning/jobs',
      { ...request, seed: 3 },
      { 'idempotency-key': 'k-1' },
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    // Keys are per project: another project may use the same key for its own request.
    const beta = server.keyFor('beta');
    const betaFile = await uploadText(server, beta, chatDataset(10));
    const betaJob = await api<{ id: string }>(
      server,
      beta,
      'POST',
      '/v1/fine_tuning/jobs',
      { model: DEMO_MODEL, training_file: betaFile },
      { 'idempotency-key': 'k-1' },
    );
    expect(betaJob.status).toBe(200);
    expect(betaJob.body.id).not.toBe(first.body.id);
    for (const [key, id] of [
      [server.key, first.body.id],
      [beta, betaJob.body.id],
    ] as const)
      await api(server, key, 'POST', `/v1/fine_tuning/jobs/${id}/cancel`);
  });

  it('replays an upload retried with the same key instead of storing it twice', async () => {
    const upload = async () => {
      const form = new FormData();
      form.append('purpose', 'fine-tune');
      form.append('file', new Blob([chatDataset(10)]), 'retry.jsonl');
      const response = await fetch(`${server.url}/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'idempotency-key': 'upload-1' },
        body: form,
      });
      return (await response.json()) as { id: string };
    };
    const first = await upload();
    const second = await upload();
    expect(second.id).toBe(first.id);
    const files = (await api<{ data: Array<{ filename: string }> }>(server, server.key, 'GET', '/v1/files'))
      .body.data;
    expect(files.filter((file) => file.filename === 'retry.jsonl')).toHaveLength(1);
  });
});
