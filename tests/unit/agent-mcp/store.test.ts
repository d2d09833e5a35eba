import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import { completeMcpSignIn, McpServerStore } from '../../../src/agent/mcp/index.ts';
import { mcpError } from '../../../src/agent/mcp/errors.ts';

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

let n = 0;
const freshStore = () => new McpServerStore(`mcp-store-test-${n++}`);

describe('the MCP servers a person keeps', () => {
  it('adds, lists in order, updates and removes servers, checking what was entered', async () => {
    const store = freshStore();
    const notes = await store.add({
      id: 'notes',
      url: ' https://notes.example/mcp ',
      auth: { kind: 'bearer', token: 't' },
    });
    expect(notes).toMatchObject({
      id: 'notes',
      url: 'https://notes.example/mcp',
      transport: 'auto',
      approvals: 'annotations',
      enabled: true,
    });
    await store.add({ id: 'files', url: 'http://127.0.0.1:3001/mcp' });
    expect((await store.list()).map((s) => s.id)).toEqual(['notes', 'files']);

    for (const [input, field] of [
      [{ id: 'bad id!', url: 'https://x.example/mcp' }, /id/],
      [{ id: 'ok', url: 'ftp://x.example/mcp' }, /http/],
      [{ id: 'ok', url: 'not a url' }, /url/],
      [{ id: 'ok', url: 'https://x.example', auth: { kind: 'bearer', token: '' } }, /token/],
      [
        {
          id: 'ok',
          url: 'https://x.example',
          auth: { kind: 'oauth', clientMetadataUrl: 'http://x.example/c.json' },
        },
        /https/,
      ],
      [{ id: 'notes', url: 'https://other.example/mcp' }, /already added/],
    ] as const) {
      const error = await rejection(store.add(input as never));
      expect(isHearthError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as Error).message).toMatch(field);
    }

    await store.recordStatus('notes', { status: 'failed', error: mcpError('MCP_FORBIDDEN', 'no') });
    expect((await store.get('notes'))?.lastStatus).toMatchObject({ status: 'failed', code: 'MCP_FORBIDDEN' });
    const updated = await store.update('notes', { timeoutMs: 5_000 });
    expect(updated).toMatchObject({ timeoutMs: 5_000, lastStatus: { status: 'failed' } });
    await store.remove('files');
    expect((await store.list()).map((s) => s.id)).toEqual(['notes']);
    store.close();
  });

  it('keeps OAuth records per server URL, and forgets them when the URL changes or the server goes', async () => {
    const store = freshStore();
    await store.add({ id: 'a', url: 'https://a.example/mcp', auth: { kind: 'oauth' } });
    await store
      .oauthStore('https://a.example/mcp')
      .save({ tokens: { access_token: 'x', token_type: 'bearer' } });
    expect(await store.oauthStore('https://b.example/mcp').load()).toEqual({});
    await store.update('a', { url: 'https://a2.example/mcp' });
    expect(await store.oauthStore('https://a.example/mcp').load()).toEqual({});
    await store.oauthStore('https://a2.example/mcp').save({ codeVerifier: 'v' });
    await store.remove('a');
    expect(await store.oauthStore('https://a2.example/mcp').load()).toEqual({});
    store.close();
  });

  it('refuses a sign-in this browser did not start, and one the server refused', async () => {
    const store = freshStore();
    const stranger = await rejection(
      completeMcpSignIn('https://app.example/?code=c&state=unknown', { store }),
    );
    expect(isHearthError(stranger, 'MCP_SIGN_IN_FAILED')).toBe(true);
    expect((stranger as Error).message).toMatch(/did not start/);

    await store.savePendingSignIn({
      state: 's1',
      serverId: 'a',
      serverUrl: 'https://a.example/mcp',
      returnTo: '/',
      createdAt: Date.now(),
    });
    const refused = await rejection(
      completeMcpSignIn('https://app.example/?error=access_denied&error_description=no+thanks&state=s1', {
        store,
      }),
    );
    expect((refused as Error).message).toMatch(/access_denied: no thanks/);
    // A state is good for one trip.
    expect(await store.takePendingSignIn('s1')).toBeUndefined();

    await store.savePendingSignIn({
      state: 'old',
      serverId: 'a',
      serverUrl: 'https://a.example/mcp',
      returnTo: '/',
      createdAt: Date.now() - 31 * 60_000,
    });
    const late = await rejection(completeMcpSignIn('https://app.example/?code=c&state=old', { store }));
    expect((late as Error).message).toMatch(/30 minutes/);
    store.close();
  });
});
