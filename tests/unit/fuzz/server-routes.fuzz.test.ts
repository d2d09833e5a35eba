// Random bodies and headers against every route on loopback (fixed seed, bounded): no client-caused input is
// answered with a 5xx.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  trainAdapter,
  uploadText,
  chatDataset,
  type TestServer,
} from '../server/helpers.ts';
import { seededRng } from '../../../src/engines/llm/sampling/rng.ts';

/** A fixed seed gives the same inputs on every machine (the engine's own seeded PRNG). */
const rng = (seed: number) => {
  const source = seededRng(seed);
  return () => source.next();
};

let server: TestServer;
let fileId: string;
let adapterId: string;
beforeAll(async () => {
  server = await startTestServer();
  fileId = await uploadText(server, server.key, chatDataset(10));
  adapterId = await trainAdapter(server, server.key, 'fuzzed');
});
afterAll(async () => {
  await server.close();
});

function send(
  method: string,
  route: string,
  headers: Record<string, string>,
  body: Buffer | null,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const request = http.request(
      { host: url.hostname, port: url.port, path: route, method, headers },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          if (text.length < 2000) text += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode!, text }));
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error(`no answer to ${method} ${route}`)));
    request.on('error', (error) =>
      reject(new Error(`${method} ${route} ${JSON.stringify(headers)}: ${error.message}`)),
    );
    request.end(body ?? undefined);
  });
}

describe('server routes under random input', () => {
  it('never answer a client-caused request with a 5xx', async () => {
    const random = rng(41);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const [name] = adapterId.split('@');
    const routes: Array<[string, string]> = [
      ['POST', '/v1/files'],
      ['GET', '/v1/files?limit=%s&after=%s'],
      ['GET', `/v1/files/${fileId}`],
      ['GET', `/v1/files/%s/content`],
      ['GET', `/v1/files/${fileId}/validation?model=%s`],
      ['DELETE', '/v1/files/%s'],
      ['POST', '/v1/fine_tuning/jobs'],
      ['GET', '/v1/fine_tuning/jobs?limit=%s'],
      ['GET', '/v1/fine_tuning/jobs/%s/events?stream=%s'],
      ['POST', '/v1/fine_tuning/jobs/%s/cancel'],
      ['GET', '/v1/fine_tuning/jobs/%s/checkpoints'],
      ['GET', '/v1/adapters?base_model=%s'],
      ['GET', `/v1/adapters/${adapterId}`],
      ['GET', `/v1/adapters/${adapterId}/files/%s`],
      ['GET', `/v1/adapters/${name}/grants`],
      ['POST', `/v1/adapters/${name}/grants`],
      ['DELETE', `/v1/adapters/${name}/grants/%s`],
      ['GET', '/v1/models/%s'],
      ['OPTIONS', '/v1/files'],
    ];
    const words = [
      '',
      '0',
      '-1',
      '1e309',
      'adapter_config.json',
      '..%2F..%2Fetc',
      '%00',
      'ftjob-x',
      'ghost',
      'a'.repeat(300),
      '%E0%A4%A',
      'true',
      'null',
    ];
    const randomJson = (depth: number): unknown => {
      const kind = Math.floor(random() * (depth > 3 ? 4 : 7));
      if (kind === 0) return pick(words);
      if (kind === 1) return random() * 1e6 - 5e5;
      if (kind === 2) return pick([true, false, null, 1e308, -0]);
      if (kind === 3) return pick(['hearth-demo/tiny-llama-chat', fileId, 'fine-tune', 'x'.repeat(2000)]);
      if (kind === 4) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(depth + 1));
      const keys = [
        'model',
        'training_file',
        'validation_file',
        'suffix',
        'seed',
        'metadata',
        'method',
        'hyperparameters',
        'project',
        'n_epochs',
        'type',
        'supervised',
        '__proto__',
        'constructor',
      ];
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 5) }, () => [pick(keys), randomJson(depth + 1)]),
      );
    };
    const bodies = [
      () => Buffer.from(JSON.stringify(randomJson(0))),
      () => Buffer.from(JSON.stringify(randomJson(0)).slice(0, Math.floor(random() * 40))),
      () => Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256))),
      () => Buffer.from('['.repeat(1000 + Math.floor(random() * 5000))),
      () =>
        Buffer.from(
          `--b\r\nContent-Disposition: form-data; name="${pick(['file', 'purpose', 'x'])}"; filename="${pick(words)}"\r\n\r\n${pick(words)}\r\n--b${pick(['--\r\n', '', '\r\n'])}`,
        ),
      () => null,
    ];
    const contentTypes = [
      'application/json',
      'multipart/form-data; boundary=b',
      'multipart/form-data',
      'text/plain',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded',
      '',
    ];
    const statuses = new Map<number, number>();
    const started = Date.now();
    for (let i = 0; i < 500 && Date.now() - started < 40_000; i++) {
      const [method, template] = pick(routes);
      const route = template.replace(/%s/g, () => pick(words));
      const body = method === 'GET' || method === 'OPTIONS' ? null : pick(bodies)();
      const headers: Record<string, string> = {
        authorization: `Bearer ${pick([server.key, server.key, server.key, 'nope', ''])}`,
      };
      if (method !== 'GET') headers['content-length'] = String(body?.length ?? 0); // framed, not chunked
      const type = pick(contentTypes);
      if (body && type) headers['content-type'] = type;
      if (random() < 0.4) headers['idempotency-key'] = pick(['k1', 'k2', '', 'x'.repeat(300), String(i)]);
      if (random() < 0.2)
        headers.range = pick([
          'bytes=0-',
          'bytes=-5',
          'bytes=9-1',
          'bytes=a-b',
          'lines=1-2',
          'bytes=0-1,2-3',
        ]);
      if (random() < 0.1) headers['if-range'] = pick(['"x"', 'W/"y"', 'Tue, 01 Jan 2030 00:00:00 GMT']);
      if (random() < 0.1) headers['last-event-id'] = pick(words);
      if (random() < 0.1) headers.accept = pick(['text/event-stream', '*/*', 'application/xml']);
      if (random() < 0.1) headers.origin = pick(['http://evil.example', 'http://127.0.0.1:5173', 'null']);
      const reply = await send(method, route, headers, body);
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      expect(
        reply.status,
        `${method} ${route} ${JSON.stringify(headers)} ${body?.toString('latin1').slice(0, 200)}: ${reply.text}`,
      ).toBeLessThan(500);
    }
    // The inputs reached the handlers, not only the auth hook.
    expect([...statuses.keys()].some((status) => status === 200)).toBe(true);
    expect([...statuses.keys()].filter((status) => status >= 400).length).toBeGreaterThan(2);
  }, 60_000);
});
