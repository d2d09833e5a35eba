import { randomBytes } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import type { A2AAgentCard, A2AAgentRecord } from '../../src/agent/index.ts';
import { openHarness } from './harness.ts';
import {
  startBadAgents,
  startCorsLessAgent,
  startForwardingCard,
  type BadAgents,
} from './support/a2a-bad-agents.ts';
import { closedPortUrl, type Listening } from './support/a2a-http.ts';
import { SECURE_TOKEN, sha256, startV03Agent, startV1Agent, type V1Agent } from './support/a2a-sdk-agents.ts';
import express from 'express';

// The A2A bridge in Chromium, from a cross-origin isolated page, against agents on loopback ports: real ones built
// with the SDK (1.3 speaking A2A 1.0, 0.3.14 speaking A2A 0.3) and misbehaving ones written by hand.

type Wire = { base64: string; length: number };
type WireEvent = { type: string; [key: string]: unknown };
type Failure = { ok: false; error: { code?: string; message: string }; events?: WireEvent[]; ms?: number };
type SendOutcome =
  | {
      ok: true;
      result: {
        state: string;
        text: string;
        taskId?: string;
        contextId?: string;
        artifacts: Array<{ id: string; parts: Array<Record<string, unknown>> }>;
      };
      events: WireEvent[];
      ms: number;
    }
  | Failure;
type ToolOutcome =
  | {
      ok: true;
      result: Record<string, unknown>;
      tool: { name: string; description: string; source: unknown };
      progress: Array<{ message?: string; data?: WireEvent }>;
      spans: Span[];
      ms: number;
    }
  | (Failure & { progress: Array<{ message?: string; data?: WireEvent }>; spans: Span[] });
type Span = { name: string; attributes: Record<string, unknown>; ended: boolean; error?: string };
type StoreOutcome<T> = { ok: true; value: T } | Failure;

interface SendSpec {
  text?: string;
  parts?: Array<
    { kind: 'text'; text: string } | { kind: 'file'; base64: string; name: string; mediaType: string }
  >;
  taskId?: string;
  contextId?: string;
  abortAfterMs?: number;
}
type ConnectOptions = {
  allowedOrigins?: string[];
  headers?: Record<string, string>;
  idleTimeoutMs?: number;
  reconnectDelayMs?: number;
};

declare const harness: {
  globalBuffer(): boolean;
  sdkLoaded(): boolean;
  connect(
    url: string,
    options?: ConnectOptions,
  ): Promise<{ ok: true; url: string; card: A2AAgentCard } | Failure>;
  send(url: string, spec: SendSpec, options?: ConnectOptions): Promise<SendOutcome>;
  runTool(
    url: string,
    spec: { args: unknown; timeoutMs?: number; abortAfterMs?: number; connect?: ConnectOptions },
  ): Promise<ToolOutcome>;
  background: {
    start(kind: 'send' | 'resume', url: string, arg: string): number;
    state(id: number): { events: WireEvent[]; outcome?: SendOutcome } | undefined;
  };
  store: {
    add(url: string, allowedOrigins?: readonly string[]): Promise<StoreOutcome<A2AAgentRecord>>;
    check(id: string): Promise<StoreOutcome<A2AAgentRecord>>;
    list(): Promise<StoreOutcome<A2AAgentRecord[]>>;
    remove(id: string): Promise<StoreOutcome<void>>;
    clear(): Promise<void>;
  };
  toolFromStore(
    id: string,
    message: string,
  ): Promise<{
    name: string;
    loadedBeforeCall: boolean;
    loadedAfterCall: boolean;
    result: Record<string, unknown>;
  }>;
};

let v1: V1Agent;
let v03: Listening;
let bad: BadAgents;
let corsLess: Listening;
let forwarding: Listening;
let nowhere: string;

test.beforeAll(async () => {
  [v1, v03, bad, corsLess] = await Promise.all([
    startV1Agent(),
    startV03Agent(),
    startBadAgents(),
    startCorsLessAgent(),
  ]);
  forwarding = await startForwardingCard(`${v1.url}/rpc`);
  nowhere = await closedPortUrl(express());
});
test.afterAll(async () => {
  await Promise.all([v1, v03, bad, corsLess, forwarding].map((server) => server?.close()));
});
test.beforeEach(async ({ page }) => openHarness(page, 'a2a'));

const ok = <T extends { ok: boolean }>(outcome: T): Extract<T, { ok: true }> => {
  if (!outcome.ok)
    throw new Error(`expected success, got ${JSON.stringify((outcome as unknown as Failure).error)}`);
  return outcome as Extract<T, { ok: true }>;
};
const failed = <T extends { ok: boolean }>(outcome: T) => {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome as unknown as Failure;
};
const send = (page: Page, url: string, spec: SendSpec, options?: ConnectOptions) =>
  page.evaluate(([u, s, o]) => harness.send(u, s, o), [url, spec, options] as const);
const decode = (part: Record<string, unknown>) => Buffer.from((part.bytes as Wire).base64, 'base64');

test('agent card: skills for the UI, the SDK fetched only when the first agent is contacted', async ({
  page,
}) => {
  expect(await page.evaluate(() => harness.sdkLoaded())).toBe(false);
  const { card, url } = ok(await page.evaluate((u) => harness.connect(u), v1.url));
  expect(await page.evaluate(() => harness.sdkLoaded())).toBe(true);
  expect(url).toBe(v1.url);
  expect(card).toMatchObject({
    name: 'Echo Agent',
    protocolVersion: '1.0',
    binding: 'JSONRPC',
    endpoint: `${v1.url}/rpc`,
    streaming: true,
    provider: { organization: 'Hearth tests' },
  });
  expect(card.skills).toEqual([
    {
      id: 'echo',
      name: 'Echo',
      description: 'Says back what it was told.',
      tags: ['test'],
      examples: ['hello'],
    },
  ]);
});

test('send and stream over JSON-RPC and HTTP+JSON: status and artifact updates in order, chunks joined', async ({
  page,
}) => {
  const rest = ok(await page.evaluate((u) => harness.connect(u), `${v1.url}/rest/`)).card;
  expect(rest).toMatchObject({ binding: 'HTTP+JSON', endpoint: `${v1.url}/rest/rpc` });
  for (const agent of [v1.url, `${v1.url}/rest/`]) {
    const outcome = ok(await send(page, agent, { text: 'hello' }));
    expect(outcome.result).toMatchObject({ state: 'completed', text: 'echo: hello\n\ndone' });
    const steps = outcome.events.map((e) => `${e.type}:${String(e.state ?? (e.append ? 'append' : 'new'))}`);
    expect(steps).toEqual([
      'task:submitted',
      'status:working',
      'artifact:new',
      'artifact:append',
      'status:completed',
    ]);
    expect(outcome.events[1]).toMatchObject({ text: 'thinking' });
  }
});

test('file parts go both ways in Chromium, with no Buffer on the page', async ({ page }) => {
  // 64 KiB of random bytes: every byte value, in a JSON body under the 100 KB the SDK's servers accept.
  const bytes = randomBytes(64 * 1024);
  expect(await page.evaluate(() => harness.globalBuffer())).toBe(false);
  for (const agent of [v1.url, v03.url]) {
    const outcome = ok(
      await send(page, agent, {
        parts: [
          { kind: 'text', text: 'a file' },
          {
            kind: 'file',
            base64: bytes.toString('base64'),
            name: 'blob.bin',
            mediaType: 'application/octet-stream',
          },
        ],
      }),
    );
    // The agent saw exactly our bytes, and sent them back reversed.
    expect(outcome.result.text).toContain(`blob.bin: ${bytes.length} bytes, sha256 ${sha256(bytes)}`);
    const file = outcome.result.artifacts.flatMap((a) => a.parts).find((p) => p.kind === 'file')!;
    expect(file).toMatchObject({ name: 'reversed-blob.bin', mediaType: 'application/octet-stream' });
    expect(decode(file).equals(Buffer.from(bytes).reverse())).toBe(true);
  }
  // Past the server's body limit the agent's refusal says what to do.
  const big = randomBytes(256 * 1024).toString('base64');
  const tooBig = failed(
    await send(page, v1.url, {
      parts: [{ kind: 'file', base64: big, name: 'big.bin', mediaType: 'application/octet-stream' }],
    }),
  );
  expect(tooBig.error).toEqual({
    code: 'A2A_PROTOCOL_ERROR',
    message: `The A2A agent at ${v1.url} refused the message as too large (HTTP 413): send smaller files, or link to them (file parts with a URL) instead.`,
  });
  expect(await page.evaluate(() => harness.globalBuffer())).toBe(false);
});

test('an A2A 0.3 agent through the compatibility layer', async ({ page }) => {
  const { card } = ok(await page.evaluate((u) => harness.connect(u), v03.url));
  expect(card).toMatchObject({ name: 'Legacy Echo', protocolVersion: '0.3.0', endpoint: `${v03.url}/a2a` });
  expect(card.skills.map((skill) => skill.id)).toEqual(['echo']);
  const outcome = ok(await send(page, v03.url, { text: 'old friend' }));
  expect(outcome.result).toMatchObject({ state: 'completed', text: 'echo: old friend' });
  expect(outcome.events.map((e) => e.type)).toEqual(['task', 'status', 'artifact', 'status']);
});

test('as a tool: progress and spans reach the run; abort cancels the remote task', async ({ page }) => {
  const done = ok(await page.evaluate((u) => harness.runTool(u, { args: { message: 'hi' } }), v1.url));
  expect(done.tool).toMatchObject({ name: 'a2a_echo_agent', source: { kind: 'a2a', agent: 'Echo Agent' } });
  expect(done.tool.description).toContain('Echo: Says back what it was told.');
  expect(done.result).toMatchObject({ state: 'completed', text: 'echo: hi\n\ndone' });
  expect(done.progress.map((p) => p.message)).toEqual([
    'task submitted',
    'working: thinking',
    'artifact answer',
    'artifact answer',
    'completed: done',
  ]);
  expect(done.spans).toEqual([
    {
      name: 'a2a.call',
      attributes: expect.objectContaining({ 'a2a.agent': 'Echo Agent', 'a2a.state': 'completed' }),
      ended: true,
    },
  ]);

  const stopped = failed(
    await page.evaluate((u) => harness.runTool(u, { args: { message: 'slow' }, abortAfterMs: 600 }), v1.url),
  ) as Extract<ToolOutcome, { ok: false }>;
  expect(stopped.error.code).toBe('ABORTED');
  const cancel = stopped.progress.at(-1)!;
  expect(cancel).toMatchObject({
    message: 'task canceled on the agent',
    data: { type: 'cancel', confirmed: true },
  });
  const taskId = cancel.data!.taskId as string;
  expect(v1.executor.cancelRequests.has(taskId)).toBe(true);
  await expect.poll(() => v1.executor.canceled.has(taskId), { timeout: 5000 }).toBe(true);
  expect(stopped.spans.map((s) => [s.name, s.ended, s.error !== undefined])).toEqual([
    ['a2a.call', true, true],
    ['a2a.cancel', true, false],
  ]);
});

test('a task that asks for input: the tool hands the question back, and the answer completes it', async ({
  page,
}) => {
  const asked = ok(await page.evaluate((u) => harness.runTool(u, { args: { message: 'ask' } }), v1.url));
  expect(asked.result).toMatchObject({
    state: 'input-required',
    text: 'Which city?',
    next: expect.any(String),
  });
  const { task_id, context_id } = asked.result;
  const answered = ok(
    await page.evaluate(([u, args]) => harness.runTool(u, { args }), [
      v1.url,
      { message: 'Paris', task_id, context_id },
    ] as const),
  );
  expect(answered.result).toMatchObject({ state: 'completed', text: 'Weather in Paris: sunny', task_id });
});

test('an agent that fails its task; a dropped stream is followed again; an agent without streaming is polled', async ({
  page,
}) => {
  const failure = failed(await send(page, v1.url, { text: 'fail' }));
  expect(failure.error).toEqual({
    code: 'A2A_TASK_FAILED',
    message: 'The A2A agent Echo Agent failed the task: the calculator is out of batteries.',
  });

  v1.cutNextStream(3);
  const cutsBefore = v1.cuts;
  const resumed = ok(await send(page, v1.url, { text: 'drop' }));
  expect(v1.cuts).toBe(cutsBefore + 1);
  expect(resumed.result).toMatchObject({ state: 'completed', text: 'echo: drop\n\ndone' });
  const reconnect = resumed.events.findIndex((e) => e.type === 'reconnect');
  expect(reconnect).toBeGreaterThan(0);
  // After the break the agent sends the task as it stands, then the rest of its steps.
  expect(resumed.events[reconnect + 1]).toMatchObject({ type: 'task', state: 'working' });
  const steps = resumed.events.filter((e) => e.type === 'status').map((e) => e.text);
  expect(steps.at(-2)).toBe('step 8');

  const polled = ok(await send(page, `${bad.url}/poll/agent-card.json`, { text: 'take your time' }));
  expect(polled.result).toMatchObject({ state: 'completed', text: 'done after 3 polls' });
});

test('a task outlives the page: after a reload, resume follows it to its end', async ({ page }) => {
  const state = (id: number) => page.evaluate((i) => harness.background.state(i), id);
  const sending = await page.evaluate((u) => harness.background.start('send', u, 'hold'), v1.url);
  await expect
    .poll(async () => (await state(sending))?.events.find((e) => e.type === 'task')?.taskId)
    .toBeTruthy();
  const taskId = (await state(sending))!.events.find((e) => e.type === 'task')!.taskId as string;
  await expect.poll(() => v1.executor.holding).toBe(1);

  await page.reload();
  await page.waitForFunction(() => 'harness' in globalThis);
  const resuming = await page.evaluate(([u, t]) => harness.background.start('resume', u, t), [
    v1.url,
    taskId,
  ] as const);
  // The agent shows the task as it stands before anything new happens ...
  await expect
    .poll(async () => (await state(resuming))?.events.map((e) => `${e.type}:${String(e.state)}`))
    .toEqual(['task:working']);
  // ... and the rest arrives once it moves on.
  v1.executor.release();
  await expect
    .poll(async () => (await state(resuming))?.outcome)
    .toMatchObject({
      ok: true,
      result: { state: 'completed', taskId, text: 'echo: hold\n\ndone' },
    });

  // A task that has ended is not streamed any more; resume reads its result instead.
  const again = await page.evaluate(([u, t]) => harness.background.start('resume', u, t), [
    v1.url,
    taskId,
  ] as const);
  await expect
    .poll(async () => (await state(again))?.outcome)
    .toMatchObject({
      ok: true,
      result: { state: 'completed', text: 'echo: hold\n\ndone' },
    });
});

test('cards: another origin refused unless allowed, no card, CORS, unreachable, credentials', async ({
  page,
}) => {
  const connect = (url: string, options?: ConnectOptions) =>
    page.evaluate(([u, o]) => harness.connect(u, o), [url, options] as const);

  const refused = failed(await connect(forwarding.url)).error;
  expect(refused.code).toBe('A2A_CARD_REFUSED');
  expect(refused.message).toContain(`sends requests to ${v1.url}, not to ${forwarding.url}`);
  const allowed = ok(await send(page, forwarding.url, { text: 'via' }, { allowedOrigins: [v1.url] }));
  expect(allowed.result.text).toBe('echo: via\n\ndone');

  expect(failed(await connect(`${v1.url}/nothing/`)).error).toMatchObject({
    code: 'A2A_CARD_INVALID',
    message: expect.stringContaining('HTTP 404'),
  });

  const cors = failed(await connect(corsLess.url)).error;
  expect(cors.code).toBe('A2A_CORS_REFUSED');
  expect(cors.message).toContain('Access-Control-Allow-Origin');

  // The page is cross-origin isolated, so a dead address cannot be told from CORS: the message says both.
  const down = failed(await connect(nowhere)).error;
  expect(down.code).toBe('A2A_UNREACHABLE');
  expect(down.message).toContain(
    'it is not running there, or its server does not allow requests from this page',
  );

  // The card path follows the SDK's rule: relative to the address given.
  const secure = `${v1.url}/secure/`;
  expect(ok(await connect(secure)).card.name).toBe('Secure Echo');
  expect(failed(await send(page, secure, { text: 'hi' })).error.code).toBe('A2A_AUTH_REQUIRED');
  const signedIn = ok(
    await send(page, secure, { text: 'hi' }, { headers: { Authorization: `Bearer ${SECURE_TOKEN}` } }),
  );
  expect(signedIn.result.text).toBe('echo: hi\n\ndone');
});

test('bad agents: a stream that stops, unknown events, a silent stream — clear errors in time, others unaffected', async ({
  page,
}) => {
  const fast = { reconnectDelayMs: 100 };
  const [stops, unknown, unknownLegacy, silent, idle, good] = await page.evaluate(
    ([badUrl, goodUrl, options]) =>
      Promise.all([
        harness.send(badUrl, { text: 'stop' }, options),
        harness.send(badUrl, { text: 'unknown' }, options),
        harness.send(`${badUrl}/legacy/agent-card.json`, { text: 'unknown' }, options),
        // The tool's timeout is all that bounds a silent agent by default ...
        harness.runTool(badUrl, { args: { message: 'silent' }, timeoutMs: 1500, connect: options }),
        // ... unless the agent is given an idle limit.
        harness.send(badUrl, { text: 'silent' }, { ...options, idleTimeoutMs: 300 }),
        harness.send(goodUrl, { text: 'drop' }),
      ]),
    [bad.url, v1.url, fast] as const,
  );

  const stopped = failed(stops);
  expect(stopped.error.code).toBe('A2A_STREAM_ENDED');
  expect(stopped.error.message).toContain(
    'stopped while its task was working (the stream ended early), and 3 attempts',
  );
  expect(stopped.events!.filter((e) => e.type === 'reconnect')).toHaveLength(3);
  // Backoff 100 + 200 + 400 ms, then the last look: well within a tool's timeout.
  expect(stopped.ms).toBeLessThan(5000);

  for (const outcome of [unknown, unknownLegacy]) {
    expect(failed(outcome).error.code).toBe('A2A_UNKNOWN_EVENT');
    expect(outcome.ms).toBeLessThan(3000);
  }
  expect(failed(unknownLegacy).error.message).toContain('Unknown v0.3 stream event kind: progress-report');

  const timedOut = failed(silent) as Extract<ToolOutcome, { ok: false }>;
  expect(timedOut.error.code).toBe('ABORTED');
  expect(timedOut.ms).toBeGreaterThanOrEqual(1500);
  expect(timedOut.ms).toBeLessThan(1500 + 3000); // the cancel request may take its 3 s bound, no more
  expect(timedOut.progress.at(-1)).toMatchObject({ data: { type: 'cancel', confirmed: true } });

  const quiet = failed(idle);
  expect(quiet.error.code).toBe('A2A_STREAM_ENDED');
  expect(quiet.error.message).toContain('it sent nothing for 300 ms');

  expect(ok(good).result).toMatchObject({ state: 'completed', text: 'echo: drop\n\ndone' });

  // The unknown-event tasks and the timed-out one were canceled; no stream is left open on the server.
  expect(bad.cancelRequests.size).toBe(3);
  await expect.poll(() => bad.openStreams(), { timeout: 5000 }).toBe(0);
});

test('the agent list persists in IndexedDB; a stored agent is a tool before the SDK loads', async ({
  page,
}) => {
  await page.evaluate(() => harness.store.clear());
  const good = ok(await page.evaluate((u) => harness.store.add(u), v1.url)).value;
  const elsewhere = ok(await page.evaluate((u) => harness.store.add(u), forwarding.url)).value;
  expect(good).toMatchObject({ url: `${v1.url}/`, state: 'unchecked', card: null });
  expect(ok(await page.evaluate((id) => harness.store.check(id), good.id)).value).toMatchObject({
    state: 'ready',
    card: { name: 'Echo Agent', skills: [expect.objectContaining({ id: 'echo' })] },
  });
  expect(ok(await page.evaluate((id) => harness.store.check(id), elsewhere.id)).value).toMatchObject({
    state: 'failed',
    card: null,
    error: { code: 'A2A_CARD_REFUSED' },
  });

  await page.reload();
  await page.waitForFunction(() => 'harness' in globalThis);
  const listed = ok(await page.evaluate(() => harness.store.list())).value;
  expect(listed.map((r) => [r.url, r.state, r.card?.name ?? null])).toEqual([
    [`${v1.url}/`, 'ready', 'Echo Agent'],
    [`${forwarding.url}/`, 'failed', null],
  ]);
  const call = await page.evaluate((id) => harness.toolFromStore(id, 'from the store'), good.id);
  expect(call).toMatchObject({ name: 'a2a_echo_agent', loadedBeforeCall: false, loadedAfterCall: true });
  expect(call.result).toMatchObject({ state: 'completed', text: 'echo: from the store\n\ndone' });

  // Allowing the other origin is the user's choice, and it is kept.
  ok(await page.evaluate(([u, o]) => harness.store.add(u, o), [forwarding.url, [v1.url]] as const));
  expect(ok(await page.evaluate((id) => harness.store.check(id), elsewhere.id)).value).toMatchObject({
    state: 'ready',
    allowedOrigins: [v1.url],
  });
  ok(await page.evaluate((id) => harness.store.remove(id), good.id));
  expect(ok(await page.evaluate(() => harness.store.list())).value.map((r) => r.id)).toEqual([elsewhere.id]);
  await page.evaluate(() => harness.store.clear());
});
