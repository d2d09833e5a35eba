// API keys, scopes, project isolation, explicit adapter grants, CORS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../../../server/auth/keys.ts';
import { api, chatDataset, startTestServer, trainAdapter, uploadText, type TestServer } from './helpers.ts';

let server: TestServer;
let adapterId: string;
let alphaRead: string;
let beta: string;
let betaRead: string;

beforeAll(async () => {
  server = await startTestServer({ seedApiKey: 'hk-seeded-local-key-0123456789' });
  alphaRead = server.keyFor('alpha', 'adapters:read');
  beta = server.keyFor('beta');
  betaRead = server.keyFor('beta', 'adapters:read');
  adapterId = await trainAdapter(server, server.key, 'private-bot');
});
afterAll(async () => {
  await server.close();
});

describe('keys', () => {
  it('stores only the SHA-256 of a key, which is random and long', () => {
    const rows = server.services.db.prepare('SELECT hash FROM api_keys').all() as Array<{ hash: string }>;
    expect(rows.map((row) => row.hash)).toContain(hashKey(server.key));
    const dump = JSON.stringify(server.services.db.prepare('SELECT * FROM api_keys').all());
    expect(dump).not.toContain(server.key);
    expect(server.key).toMatch(/^hk-[A-Za-z0-9_-]{43}$/);
  });

  it('refuses requests without a key or with an unknown key', async () => {
    const none = await fetch(`${server.url}/v1/files`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('missing_api_key');
    const wrong = await api<{ error: { code: string } }>(server, 'hk-not-a-real-key', 'GET', '/v1/files');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_api_key');
  });

  it('seeds HEARTH_API_KEY for the default project', async () => {
    const response = await api<{ data: unknown[] }>(
      server,
      'hk-seeded-local-key-0123456789',
      'GET',
      '/v1/fine_tuning/jobs',
    );
    expect(response.status).toBe(200);
    expect(response.body.data).toEqual([]); // the default project sees none of alpha's jobs
  });
});

describe('scopes', () => {
  it('lets a read-only key list and download adapters and nothing else', async () => {
    expect((await api(server, alphaRead, 'GET', '/v1/adapters')).status).toBe(200);
    expect((await api(server, alphaRead, 'GET', `/v1/adapters/${adapterId}`)).status).toBe(200);
    expect(
      (await api(server, alphaRead, 'GET', `/v1/adapters/${adapterId}/files/adapter_config.json`)).status,
    ).toBe(200);
    for (const [method, route] of [
      ['GET', '/v1/files'],
      ['GET', '/v1/fine_tuning/jobs'],
      ['GET', '/v1/models'],
      ['POST', '/v1/fine_tuning/jobs'],
      ['POST', '/v1/adapters/private-bot/grants'],
    ] as const) {
      const response = await api<{ error: { code: string } }>(
        server,
        alphaRead,
        method,
        route,
        method === 'POST' ? {} : undefined,
      );
      expect(response.status, `${method} ${route}`).toBe(403);
      expect(response.body.error.code).toBe('insufficient_scope');
    }
  });
});

describe('projects', () => {
  it('hides one project’s files, jobs and private adapters from another', async () => {
    const file = await uploadText(server, server.key, chatDataset(10));
    expect((await api(server, beta, 'GET', `/v1/files/${file}`)).status).toBe(404);
    expect((await api(server, beta, 'DELETE', `/v1/files/${file}`)).status).toBe(404);
    const jobs = (
      await api<{ data: Array<{ id: string }> }>(server, server.key, 'GET', '/v1/fine_tuning/jobs')
    ).body.data;
    expect((await api(server, beta, 'GET', `/v1/fine_tuning/jobs/${jobs[0]!.id}`)).status).toBe(404);
    expect((await api(server, beta, 'POST', `/v1/fine_tuning/jobs/${jobs[0]!.id}/cancel`)).status).toBe(404);

    for (const key of [beta, betaRead]) {
      const manifest = await api<{ error: { code: string } }>(
        server,
        key,
        'GET',
        `/v1/adapters/${adapterId}`,
      );
      expect(manifest.status).toBe(404);
      expect(manifest.body.error.code).toBe('adapter_not_found');
      expect(
        (await api(server, key, 'GET', `/v1/adapters/${adapterId}/files/adapter_model.safetensors`)).status,
      ).toBe(404);
      expect((await api<{ data: unknown[] }>(server, key, 'GET', '/v1/adapters')).body.data).toEqual([]);
    }
  });

  it('refuses to let another project publish under a name it does not own', async () => {
    const file = await uploadText(server, beta, chatDataset(10));
    const response = await api<{ error: { code: string } }>(server, beta, 'POST', '/v1/fine_tuning/jobs', {
      model: 'hearth-demo/tiny-llama-chat',
      training_file: file,
      suffix: 'private-bot',
    });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('adapter_name_taken');
  });

  it('shares an adapter only through an explicit grant, and revokes it', async () => {
    expect(
      (await api(server, beta, 'POST', '/v1/adapters/private-bot/grants', { project: 'beta' })).status,
    ).toBe(404); // not the owner
    expect(
      (await api(server, server.key, 'POST', '/v1/adapters/private-bot/grants', { project: 'beta' })).status,
    ).toBe(200);
    expect(
      (
        await api<{ data: Array<{ project: string }> }>(
          server,
          server.key,
          'GET',
          '/v1/adapters/private-bot/grants',
        )
      ).body.data,
    ).toEqual([{ object: 'adapter.grant', adapter: 'private-bot', project: 'beta' }]);
    expect((await api(server, betaRead, 'GET', `/v1/adapters/${adapterId}`)).status).toBe(200);
    const listed = await api<{ data: Array<{ id: string; owner: string }> }>(
      server,
      betaRead,
      'GET',
      '/v1/adapters?base_model=hearth-demo/tiny-llama-chat',
    );
    expect(listed.body.data.map((adapter) => [adapter.id, adapter.owner])).toEqual([[adapterId, 'alpha']]);
    // A third project still sees nothing.
    expect(
      (await api(server, server.keyFor('gamma', 'adapters:read'), 'GET', `/v1/adapters/${adapterId}`)).status,
    ).toBe(404);
    expect((await api(server, server.key, 'DELETE', '/v1/adapters/private-bot/grants/beta')).status).toBe(
      200,
    );
    expect((await api(server, betaRead, 'GET', `/v1/adapters/${adapterId}`)).status).toBe(404);
  });
});

describe('CORS', () => {
  it('allows the app origin, with the headers a resumable download needs', async () => {
    const preflight = await fetch(`${server.url}/v1/adapters`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,range',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/range/);
    const response = await fetch(`${server.url}/v1/adapters/${adapterId}/files/adapter_config.json`, {
      headers: { origin: 'http://127.0.0.1:5173', authorization: `Bearer ${alphaRead}` },
    });
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(response.headers.get('access-control-expose-headers')).toMatch(/etag/);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('does not allow other origins', async () => {
    const response = await fetch(`${server.url}/v1/adapters`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${alphaRead}` },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
