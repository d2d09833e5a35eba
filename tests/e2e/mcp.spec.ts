import { expect, test, type Page } from '@playwright/test';
import type { McpConnectionEvent, McpServerConfig, McpServerInput } from '../../src/agent/mcp/index.ts';
import { openHarness } from './harness.ts';
import { startCuttingProxy, type CuttingProxy } from '../support/mcp/cutting-proxy.ts';
import { startEverything, type EverythingServer } from '../support/mcp/everything.ts';
import { startOAuthServer } from '../support/mcp/oauth-server.ts';
import { startRawServer, startTestServer } from '../support/mcp/test-server.ts';

type Outcome = {
  result?: unknown;
  error?: { code?: string; message: string };
  progress: Array<{ loaded?: number }>;
};
type Summary = {
  state: { status: string; transport?: string; sessionId?: string };
  tools: Array<{ name: string; needsApproval?: boolean; idempotent?: boolean }>;
  problems: Array<{ tool: string; code: string; reason: string }>;
  prompts: string[];
  resources: number;
  error?: { code?: string; message: string };
};

declare const harness: {
  connect(config: McpServerConfig, options?: object): Promise<Summary>;
  state(id: string): { status: string; sessionId?: string } | undefined;
  events(id: string): McpConnectionEvent[];
  startCall(id: string, tool: string, args: unknown): string;
  abort(key: string, reason: string): void;
  progressOf(key: string): Array<{ loaded?: number }>;
  finish(key: string): Promise<Outcome>;
  call(id: string, tool: string, args: unknown): Promise<Outcome>;
  closeAll(): Promise<void>;
  addStored(input: McpServerInput): Promise<unknown>;
  connectStored(id: string): Promise<Summary>;
  listStored(): Promise<Array<{ id: string; lastStatus?: { status: string } }>>;
  signIn(id: string): void;
  signInOutcome(): Promise<{ serverId?: string; error?: unknown }> | undefined;
  oauthRecord(url: string): Promise<{ tokens?: { access_token: string; refresh_token?: string } }>;
  signOut(url: string): Promise<{ revoked: string[] }>;
  agentTurn(id: string, tool: string, question: string): Promise<Record<string, unknown>>;
};

let everything: EverythingServer;
let recorder: CuttingProxy;

test.beforeAll(async () => {
  everything = await startEverything();
  // A pass-through proxy in front of the reference server, to see what the page sent (it cuts nothing).
  recorder = await startCuttingProxy(everything.url, '\u0000never', '\u0000never');
});
test.afterAll(async () => {
  await recorder?.close();
  await everything?.stop();
});
test.afterEach(async ({ page }) => page.evaluate(() => harness.closeAll()).catch(() => undefined));

const text = (outcome: Outcome) =>
  (outcome.result as { content: Array<{ text: string }> } | undefined)?.content[0]?.text;

test('the reference server from a page under a no-eval CSP: tools, echo, get-sum, progress then cancel, a failing call', async ({
  page,
}) => {
  // No 'unsafe-eval' (mcp-csp.html): a validator that compiled schemas with new Function (Ajv) would fail here.
  await openHarness(page, 'mcp-csp');
  const summary = await page.evaluate((url) => harness.connect({ id: 'everything', url }), recorder.url);
  expect(summary.error).toBeUndefined();
  expect(summary.state).toMatchObject({ status: 'connected', transport: 'streamable-http' });
  expect(summary.state.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  const names = summary.tools.map((t) => t.name);
  for (const name of ['echo', 'get-sum', 'trigger-long-running-operation', 'get-env']) {
    expect(names).toContain(`everything__${name}`);
  }
  expect(summary.tools.find((t) => t.name === 'everything__echo')).toMatchObject({
    needsApproval: false,
    idempotent: true,
  });
  expect(summary.prompts).toContain('simple-prompt');

  const echo = await page.evaluate(() =>
    harness.call('everything', 'everything__echo', { message: 'hello from Chromium' }),
  );
  expect(text(echo)).toBe('Echo: hello from Chromium');
  const sum = await page.evaluate(() => harness.call('everything', 'everything__get-sum', { a: 19, b: 23 }));
  expect(text(sum)).toBe('The sum of 19 and 23 is 42.');
  // Wrong arguments are refused before anything is sent.
  const before = recorder.seen.filter((r) => r.rpc === 'tools/call').length;
  const wrong = await page.evaluate(() =>
    harness.call('everything', 'everything__get-sum', { a: 'nineteen', b: 23 }),
  );
  expect(wrong.error).toMatchObject({ code: 'ARGUMENTS', message: expect.stringMatching(/a:.*number/) });
  expect(recorder.seen.filter((r) => r.rpc === 'tools/call').length).toBe(before);

  // A long operation: progress reaches the page, then the user cancels; the server is told.
  const key = await page.evaluate(() =>
    harness.startCall('everything', 'everything__trigger-long-running-operation', {
      duration: 20,
      steps: 20,
    }),
  );
  await expect
    .poll(() => page.evaluate((k) => harness.progressOf(k).length, key), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(2);
  await page.evaluate((k) => harness.abort(k, 'the user pressed stop'), key);
  const cancelled = await page.evaluate((k) => harness.finish(k), key);
  expect(cancelled.error).toMatchObject({ code: 'ABORTED', message: expect.stringMatching(/stop/) });
  expect(cancelled.progress[0]).toMatchObject({ loaded: 1, total: 20 });
  expect(cancelled.progress.length).toBeLessThan(20);
  await expect.poll(() => recorder.seen.some((r) => r.rpc === 'notifications/cancelled')).toBe(true);

  // The server's own failure comes back in its words.
  const failed = await page.evaluate(() =>
    harness.call('everything', 'everything__get-resource-reference', {
      resourceType: 'Text',
      resourceId: 1.5,
    }),
  );
  expect(failed.error).toMatchObject({
    code: 'MCP_TOOL_ERROR',
    message: expect.stringMatching(/Invalid resourceId: 1\.5/),
  });

  expect(await page.evaluate(() => (window as { __violations?: string[] }).__violations)).toEqual([]);
});

test('the reference server killed mid-run and restarted: the call says so, the connection comes back', async ({
  page,
}) => {
  await openHarness(page, 'mcp');
  const summary = await page.evaluate(
    (url) =>
      harness.connect({ id: 'everything', url }, { reconnect: { initialDelayMs: 200, maxDelayMs: 1_000 } }),
    everything.url,
  );
  expect(summary.state.status).toBe('connected');
  const key = await page.evaluate(() =>
    harness.startCall('everything', 'everything__trigger-long-running-operation', {
      duration: 30,
      steps: 30,
    }),
  );
  await expect
    .poll(() => page.evaluate((k) => harness.progressOf(k).length, key), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await everything.kill();
  const outcome = await page.evaluate((k) => harness.finish(k), key);
  expect(outcome.error).toMatchObject({
    code: 'MCP_SERVER_GONE',
    message: expect.stringMatching(/went away/),
  });
  const statuses = (await page.evaluate(() => harness.events('everything'))).flatMap((e) =>
    e.type === 'state' ? [e.state.status] : [],
  );
  expect(statuses).toContain('reconnecting');

  await everything.restart();
  await expect
    .poll(() => page.evaluate(() => harness.state('everything')?.status), { timeout: 15_000 })
    .toBe('connected');
  const newSession = await page.evaluate(() => harness.state('everything')?.sessionId);
  expect(newSession).not.toBe(summary.state.sessionId);
  const echo = await page.evaluate(() => harness.call('everything', 'everything__echo', { message: 'back' }));
  expect(text(echo)).toBe('Echo: back');
});

test('a dropped event stream is resumed from the page with Last-Event-ID', async ({ page }) => {
  // The reference server's event store cannot resume (see the README); this SDK server uses the SDK's own.
  const resumable = await startTestServer({ resumable: true });
  const proxy = await startCuttingProxy(resumable.url, '"slow"', 'notifications/progress');
  try {
    await openHarness(page, 'mcp');
    await page.evaluate((url) => harness.connect({ id: 'notes', url }), proxy.url);
    const outcome = await page.evaluate(() =>
      harness.call('notes', 'notes__slow', { steps: 4, stepMs: 150 }),
    );
    expect(text(outcome)).toBe('counted 4');
    expect(outcome.progress.map((p) => p.loaded)).toEqual([1, 2, 3, 4]);
    expect(proxy.seen.some((r) => r.method === 'GET' && r.lastEventId)).toBe(true);
  } finally {
    await proxy.close();
    await resumable.close();
  }
});

test('a server that refuses this origin is named (CORS), with the headers it must send', async ({ page }) => {
  const preflightOnly = await startTestServer({ cors: 'simple-only' });
  const noCors = await startTestServer({ cors: 'none' });
  try {
    await openHarness(page, 'mcp');
    const refused = await page.evaluate((url) => harness.connect({ id: 'partial', url }), preflightOnly.url);
    expect(refused.error).toMatchObject({ code: 'MCP_CORS_REFUSED' });
    expect(refused.error!.message).toContain(
      'Access-Control-Allow-Headers: Content-Type, Authorization, Mcp-Session-Id',
    );
    expect(refused.error!.message).toContain('Access-Control-Expose-Headers: Mcp-Session-Id');

    // This page is cross-origin isolated (COOP/COEP): a server sending no CORS headers at all looks like one
    // that is not there, and the error says both.
    const silent = await page.evaluate((url) => harness.connect({ id: 'none', url }), noCors.url);
    expect(silent.error).toMatchObject({
      code: 'MCP_SERVER_UNREACHABLE',
      message: expect.stringMatching(/cannot tell which/),
    });
    expect(silent.error!.message).toContain('Access-Control-Allow-Origin');

    // Without isolation the page can tell: the same server is named as refusing the origin. (The page comes
    // through a loopback proxy that drops COOP/COEP; a response made up by page.route would count as a public
    // address, and Chromium's local network access checks would then block every loopback request.)
    const plain = await startCuttingProxy(new URL('/', page.url()).href, '\u0000never', '\u0000never', {
      dropResponseHeaders: ['cross-origin-embedder-policy', 'cross-origin-opener-policy'],
    });
    try {
      await page.goto(`${plain.url}tests/e2e/pages/mcp.html`);
      await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 60_000 });
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
      const named = await page.evaluate((url) => harness.connect({ id: 'none', url }), noCors.url);
      expect(named.error).toMatchObject({
        code: 'MCP_CORS_REFUSED',
        message: expect.stringMatching(/sends no CORS headers/),
      });
    } finally {
      await plain.close();
    }
  } finally {
    await preflightOnly.close();
    await noCors.close();
  }
});

test('bad input from a page: malformed schemas reported, invalid JSON-RPC and a silent server fail in time, 50 MB arrives, the others work on', async ({
  page,
}) => {
  const garbage = await startRawServer({
    tools: [
      { name: 'ok', inputSchema: { type: 'object' } },
      { name: 'broken', inputSchema: { type: 'object', properties: { q: { $ref: '#/nowhere' } } } },
    ],
    call: () => ({ raw: '{"hello":"world"}' }),
  });
  const silent = await startRawServer({
    tools: [{ name: 'wait', inputSchema: { type: 'object' } }],
    call: () => 'hang',
  });
  const big = await startTestServer();
  try {
    await openHarness(page, 'mcp');
    const bad = await page.evaluate((url) => harness.connect({ id: 'garbage', url }), garbage.url);
    expect(bad.tools.map((t) => t.name)).toEqual(['garbage__ok']);
    expect(bad.problems).toEqual([
      { tool: 'broken', code: 'MCP_SCHEMA_UNUSABLE', reason: expect.stringMatching(/points outside/) },
    ]);
    await page.evaluate((url) => harness.connect({ id: 'silent', url, timeoutMs: 2_000 }), silent.url);
    await page.evaluate((url) => harness.connect({ id: 'big', url, timeoutMs: 60_000 }), big.url);
    await page.evaluate((url) => harness.connect({ id: 'everything', url }), everything.url);

    const started = Date.now();
    const waiting = await page.evaluate(() => harness.startCall('silent', 'silent__wait', {}));
    const invalid = await page.evaluate(() => harness.call('garbage', 'garbage__ok', {}));
    expect(invalid.error).toMatchObject({ code: 'MCP_INVALID_RESPONSE' });
    // While the silent server holds its call, the reference server answers.
    const echo = await page.evaluate(() =>
      harness.call('everything', 'everything__echo', { message: 'still here' }),
    );
    expect(text(echo)).toBe('Echo: still here');
    const hung = await page.evaluate((k) => harness.finish(k), waiting);
    expect(hung.error).toMatchObject({ code: 'MCP_TIMEOUT', message: expect.stringMatching(/2000 ms/) });
    // The SDK's timer fires at the tool's 2 s; page.evaluate round trips add well under a second.
    expect(Date.now() - started).toBeLessThan(4_000);

    const large = await page.evaluate(async () => {
      const outcome = await harness.call('big', 'big__big', { mb: 50 });
      const body = (outcome.result as { content: Array<{ text: string }> } | undefined)?.content[0]?.text;
      return { error: outcome.error, length: body?.length };
    });
    expect(large).toEqual({ error: undefined, length: 50 * 1024 * 1024 });
    const after = await page.evaluate(() => harness.call('big', 'big__echo', { message: 'after' }));
    expect(text(after)).toBe('Echo: after');
  } finally {
    await Promise.all([garbage.close(), silent.close(), big.close()]);
  }
});

async function callbackLoaded(page: Page) {
  await page.waitForURL(/state=/, { timeout: 30_000 });
  await page.waitForFunction(() => 'harness' in globalThis, undefined, { timeout: 60_000 });
  return page.evaluate(() => harness.signInOutcome());
}

test('an OAuth-protected server: sign in through the redirect flow, tokens kept in IndexedDB, calls, sign out revokes', async ({
  page,
}) => {
  const secured = await startOAuthServer();
  try {
    await openHarness(page, 'mcp');
    await page.evaluate(
      (url) => harness.addStored({ id: 'secure', url, auth: { kind: 'oauth' } }),
      secured.url,
    );
    const first = await page.evaluate(() => harness.connectStored('secure'));
    expect(first.state).toMatchObject({ status: 'needs-sign-in' });
    const log = secured.authorizationServer.log;
    expect(log).toMatchObject({ registrations: 1, authorizations: 0 });

    // The Sign in click: the page goes to the authorization server, which sends it back with a code.
    await page.evaluate(() => harness.signIn('secure'));
    expect(await callbackLoaded(page)).toEqual({ serverId: 'secure' });
    expect(log).toMatchObject({ authorizations: 1, codeExchanges: 1 });
    const record = await page.evaluate((url) => harness.oauthRecord(url), secured.url);
    expect(record.tokens?.access_token).toMatch(/^at-/);

    const connected = await page.evaluate(() => harness.connectStored('secure'));
    expect(connected.state).toMatchObject({ status: 'connected' });
    const echo = await page.evaluate(() => harness.call('secure', 'secure__echo', { message: 'signed in' }));
    expect(text(echo)).toBe('Echo: signed in');
    const stored = await page.evaluate(() => harness.listStored());
    expect(stored).toMatchObject([{ id: 'secure', lastStatus: { status: 'connected' } }]);

    // A reload keeps the sign-in (IndexedDB): no second trip to the authorization server.
    await openHarness(page, 'mcp');
    const again = await page.evaluate(() => harness.connectStored('secure'));
    expect(again.state).toMatchObject({ status: 'connected' });
    expect(log.authorizations).toBe(1);

    const signedOut = await page.evaluate((url) => harness.signOut(url), secured.url);
    expect(signedOut.revoked).toEqual(['refresh_token', 'access_token']);
    expect(log.revoked).toEqual([record.tokens!.refresh_token, record.tokens!.access_token]);
    expect(await page.evaluate((url) => harness.oauthRecord(url), secured.url)).toEqual({});
  } finally {
    await secured.close();
  }
});

test('a demo-model agent calls an MCP tool end to end', async ({ page }) => {
  await openHarness(page, 'mcp');
  await page.evaluate((url) => harness.connect({ id: 'everything', url }), everything.url);
  const turn = await page.evaluate(() =>
    harness.agentTurn('everything', 'everything__echo', 'Echo the word hello.'),
  );
  expect(turn.error).toBeUndefined();
  expect(turn).toMatchObject({ status: 'completed', called: 'everything__echo', toolStatus: 'ok' });
  const message = (turn.args as { message: string }).message;
  expect(typeof message).toBe('string');
  // What the model read back is what the server echoed of the model's own argument: there and back.
  expect(JSON.parse(turn.output as string)).toEqual({
    content: [{ type: 'text', text: `Echo: ${message}` }],
  });
});
