// What `npm start` publishes for a new user: the fixture adapter of the demo model, once, readable by the browser's key.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { DEMO_ADAPTER, DEMO_MODEL, DEMO_PROJECT, publishDemoAdapter } from '../../../scripts/demo-seed.ts';
import { api } from './helpers.ts';
import { useTestServer } from './use-test-server.ts';

const server = useTestServer();

it('publishes the fixture adapter once, and a training key downloads the very bytes', async () => {
  const first = await publishDemoAdapter(server.services);
  const again = await publishDemoAdapter(server.services);
  expect(first.id).toBe(`${DEMO_ADAPTER.name}@1`);
  expect(again.id).toBe(first.id);
  expect(first.base_model).toBe(DEMO_MODEL);
  const key = server.keyFor(DEMO_PROJECT, 'training');
  const listed = await api<{ data: Array<{ id: string }> }>(
    server,
    key,
    'GET',
    `/v1/adapters?base_model=${encodeURIComponent(DEMO_MODEL)}`,
  );
  expect(listed.body.data.map((adapter) => adapter.id)).toEqual([first.id]);
  const response = await fetch(`${server.url}/v1/adapters/${first.id}/files/adapter_model.safetensors`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const onDisk = fs.readFileSync(path.join(DEMO_ADAPTER.dir, 'adapter_model.safetensors'));
  expect(createHash('sha256').update(bytes).digest('hex')).toBe(
    createHash('sha256').update(onDisk).digest('hex'),
  );
});
