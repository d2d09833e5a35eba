// A hostile or unlucky client: crashes mid-upload, keys reused with other bodies, refused uploads, malformed
// bodies, a full disk, grants to projects that do not exist.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  api,
  chatDataset,
  DEMO_MODEL,
  spawnServer,
  startTestServer,
  tempDir,
  uploadText,
  waitForJob,
} from './helpers.ts';
import { useTestServer } from './use-test-server.ts';

const server = useTestServer();

function blobsOf(dataDir: string): string[] {
  const dir = path.join(dataDir, 'blobs');
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

/** Sends a raw body (no client-side framing help), returning status and parsed body. */
function rawPost(
  url: string,
  route: string,
  headers: Record<string, string>,
  body: Buffer | string,
): Promise<{ status: number; body: { error?: { code: string } } & Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const target = new URL(route, url);
    const request = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode!, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function multipart(parts: Array<{ name: string; filename?: string; value: string }>, boundary = 'hb0123') {
  const chunks = parts.map(
    (part) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${
        part.filename ? `; filename="${part.filename}"` : ''
      }\r\n\r\n${part.value}\r\n`,
  );
  return { body: chunks.join('') + `--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

async function uploadWithKey(text: string, key: string, filename: string) {
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob([text]), filename);
  const response = await fetch(`${server.url}/v1/files`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.key}`, 'idempotency-key': key },
    body: form,
  });
  return {
    status: response.status,
    body: (await response.json()) as { id: string; error?: { code: string } },
  };
}

describe('Idempotency-Key', () => {
  it('after a crash mid-upload, a retry with the same key is served (not refused as in progress)', async () => {
    const dataDir = tempDir('idem-crash');
    const children: ChildProcess[] = [];
    try {
      const first = await spawnServer(dataDir, path.join(dataDir, 'mode'));
      children.push(first.child);
      const key = 'hk-restart-test-key-0123456789';
      const target = new URL('/v1/files', first.url);
      const { body, type } = multipart([
        { name: 'purpose', value: 'fine-tune' },
        { name: 'file', filename: 'crash.jsonl', value: chatDataset(10) },
      ]);
      // Half the body, then the server dies.
      const request = http.request({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': type,
          'content-length': Buffer.byteLength(body),
          'idempotency-key': 'crash-1',
        },
      });
      request.on('error', () => {});
      request.write(body.slice(0, body.length / 2));
      await new Promise((resolve) => setTimeout(resolve, 300));
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      const second = await spawnServer(dataDir, path.join(dataDir, 'mode'));
      children.push(second.child);
      const retry = await rawPost(
        second.url,
        '/v1/files',
        { authorization: `Bearer ${key}`, 'content-type': type, 'idempotency-key': 'crash-1' },
        body,
      );
      expect(retry.body.error?.code).toBeUndefined();
      expect(retry.status).toBe(200);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses the same key with a different file instead of replaying the first one', async () => {
    const one = await uploadWithKey(chatDataset(10), 'file-key', 'one.jsonl');
    expect(one.status).toBe(200);
    const again = await uploadWithKey(chatDataset(10), 'file-key', 'one.jsonl');
    expect(again.body.id).toBe(one.body.id); // a true retry (new multipart boundary, same content) replays
    const two = await uploadWithKey(chatDataset(11), 'file-key', 'one.jsonl');
    expect(two.status).toBe(409);
    expect(two.body.error?.code).toBe('idempotency_key_reused');
  });

  it('compares JSON bodies canonically: the same JSON with keys reordered is the same request', async () => {
    server.setTrainerMode('slow');
    const file = await uploadText(server, server.key, chatDataset(10));
    const headers = {
      authorization: `Bearer ${server.key}`,
      'content-type': 'application/json',
      'idempotency-key': 'json-order',
    };
    const first = await rawPost(
      server.url,
      '/v1/fine_tuning/jobs',
      headers,
      `{"model":"${DEMO_MODEL}","training_file":"${file}"}`,
    );
    const reordered = await rawPost(
      server.url,
      '/v1/fine_tuning/jobs',
      headers,
      `{"training_file":"${file}", "model":"${DEMO_MODEL}"}`,
    );
    expect(first.status).toBe(200);
    expect(reordered.status).toBe(200);
    expect(reordered.body.id).toBe(first.body.id);
    await api(server, server.key, 'POST', `/v1/fine_tuning/jobs/${String(first.body.id)}/cancel`);
  });
});

describe('refused uploads leave nothing on disk', () => {
  const refused: Array<[string, Array<{ name: string; filename?: string; value: string }>]> = [
    [
      'a second file part',
      [
        { name: 'purpose', value: 'fine-tune' },
        { name: 'file', filename: 'a.jsonl', value: chatDataset(10) + 'first' },
        { name: 'file', filename: 'b.jsonl', value: 'second' },
      ],
    ],
    [
      'too many fields',
      [
        { name: 'file', filename: 'a.jsonl', value: chatDataset(10) + 'fields' },
        ...Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, value: 'x' })),
      ],
    ],
    [
      'a wrong purpose',
      [
        { name: 'file', filename: 'a.jsonl', value: chatDataset(10) + 'purpose' },
        { name: 'purpose', value: 'assistants' },
      ],
    ],
  ];
  for (const [name, parts] of refused) {
    it(`stores no blob for ${name}`, async () => {
      const before = blobsOf(server.dataDir);
      const { body, type } = multipart(parts);
      const reply = await rawPost(
        server.url,
        '/v1/files',
        { authorization: `Bearer ${server.key}`, 'content-type': type },
        body,
      );
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.status).toBeLessThan(500);
      expect(blobsOf(server.dataDir)).toEqual(before);
    });
  }

  it('reclaims orphan blobs at startup', async () => {
    const dataDir = tempDir('orphans');
    const first = await startTestServer({ dataDir });
    const kept = await uploadText(first, first.key, chatDataset(10));
    const orphan = path.join(dataDir, 'blobs', 'ab', 'ab'.repeat(32));
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'left by a crash');
    const key = first.key;
    await first.close();
    const second = await startTestServer({ dataDir });
    expect(fs.existsSync(orphan)).toBe(false);
    const row = second.services.files.get('alpha', kept)!;
    expect(fs.readFileSync(second.services.blobs.pathOf(row.sha256), 'utf8')).toBe(chatDataset(10));
    expect((await api(second, key, 'GET', `/v1/files/${kept}`)).status).toBe(200);
    await second.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('client mistakes are 400s', () => {
  const auth = () => ({ authorization: `Bearer ${server.key}` });
  it('multipart without a boundary', async () => {
    const reply = await rawPost(
      server.url,
      '/v1/files',
      { ...auth(), 'content-type': 'multipart/form-data' },
      'x',
    );
    expect(reply.status).toBe(400);
  });
  it('a body cut off mid-part', async () => {
    const { body, type } = multipart([
      { name: 'purpose', value: 'fine-tune' },
      { name: 'file', filename: 'cut.jsonl', value: chatDataset(10) },
    ]);
    const reply = await rawPost(
      server.url,
      '/v1/files',
      { ...auth(), 'content-type': type },
      body.slice(0, body.length - 40),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe('invalid_multipart');
  });
  it('a 100k-deep nested JSON body with an Idempotency-Key', async () => {
    const deep = '{"model":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    const reply = await rawPost(
      server.url,
      '/v1/fine_tuning/jobs',
      { ...auth(), 'content-type': 'application/json', 'idempotency-key': 'deep' },
      deep,
    );
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe('invalid_json');
  });
});

describe('a full disk', () => {
  it('is a storage error, and the runner backs off and settles the job once space is back', async () => {
    const dataDir = tempDir('full');
    const full = await startTestServer({ dataDir });
    const errors: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      full.setTrainerMode('ok');
      const file = await uploadText(full, full.key, chatDataset(10));
      const db = full.services.db;
      // Packs every table's pages, then lets the file grow by no page at all: a disk with no space left.
      const fillDisk = () => {
        db.exec('CREATE TABLE IF NOT EXISTS filler (x BLOB)');
        db.exec('VACUUM');
        db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
        try {
          for (;;) db.prepare('INSERT INTO filler VALUES (randomblob(64))').run();
        } catch {
          // full: what the disk would say
        }
      };
      fillDisk();
      const created = await api<{ error: { code: string } }>(full, full.key, 'POST', '/v1/fine_tuning/jobs', {
        model: DEMO_MODEL,
        training_file: file,
        // Larger than a page: it needs new pages, whatever room the jobs table's own pages have left.
        metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'x'.repeat(512)])),
      });
      expect(created.status).toBe(507);
      expect(created.body.error.code).toBe('storage_full');
      db.exec('DROP TABLE filler');
      db.pragma('max_page_count = 1073741823');
      full.setTrainerMode('slow'); // 10 s of progress lines that the runner must record
      const job = await api<{ id: string }>(full, full.key, 'POST', '/v1/fine_tuning/jobs', {
        model: DEMO_MODEL,
        training_file: file,
      });
      // The disk fills again while the job runs: the runner must say so briefly, not fail the job.
      await waitForJob(full, full.key, job.body.id, (view) => view.status === 'running');
      fillDisk();
      for (let waited = 0; !errors.flat().join(' ').includes('disk full') && waited < 15_000; waited += 100)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 3000)); // 60 polls at 50 ms
      const stacks = errors.filter((args) => args.some((arg) => arg instanceof Error));
      expect(stacks.length).toBeLessThanOrEqual(1);
      expect(errors.length).toBeLessThanOrEqual(10);
      expect(errors.flat().join(' ')).toMatch(/disk full/i);
      db.exec('DROP TABLE filler');
      db.pragma('max_page_count = 1073741823');
      const settled = await waitForJob(full, full.key, job.body.id);
      expect(settled.error).toBeNull();
      expect(settled.status).toBe('succeeded');
    } finally {
      console.error = original;
      await full.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('grants', () => {
  it('refuses a grant to a project that does not exist', async () => {
    const adapter = (await import('./helpers.ts')).trainAdapter;
    const id = await adapter(server, server.key, 'granted');
    const name = id.split('@')[0]!;
    const ghost = await api<{ error: { code: string } }>(
      server,
      server.key,
      'POST',
      `/v1/adapters/${name}/grants`,
      {
        project: 'ghost-project',
      },
    );
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe('project_not_found');
    const later = server.keyFor('ghost-project');
    expect((await api(server, later, 'GET', `/v1/adapters/${id}`)).status).toBe(404);
    expect(
      (await api(server, server.key, 'POST', `/v1/adapters/${name}/grants`, { project: 'ghost-project' }))
        .status,
    ).toBe(200);
    expect((await api(server, later, 'GET', `/v1/adapters/${id}`)).status).toBe(200);
  });
});
