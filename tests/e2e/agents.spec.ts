import { expect, test, type Page } from '@playwright/test';
import type { Interruption, RunResult, RunView, ThreadItem, Usage } from '../../src/index.ts';
import { openHarness } from './harness.ts';

type ScriptedReply = { text?: string; calls?: Array<{ name: string; arguments?: unknown }> };
type Failure = { error: { code?: string; message: string } };

declare const harness: {
  calls: string[];
  start(
    script: ScriptedReply[],
    input: string,
    wait?: 'end' | 'tool-started',
  ): Promise<{ runId: string; result?: RunResult }>;
  view(runId: string): Promise<RunView & { items: ThreadItem[] }>;
  resume(
    runId: string,
    script: ScriptedReply[],
    decisions?: Array<{ interruptionId: string; approve: boolean }>,
  ): Promise<RunResult | Failure>;
  spans(
    runId: string,
  ): Promise<Array<{ name: string; kind: string; end?: number; attributes: Record<string, unknown> }>>;
  locksHeld(): Promise<string[]>;
  demoModel(): Promise<
    { result: RunResult; tool?: { tool: string; status: string }; usage: Usage[] } | Failure
  >;
};

const fresh = async (page: Page) => {
  await openHarness(page, 'agents');
  await page.evaluate(() => indexedDB.deleteDatabase('hearth-agents-e2e'));
};

test('a run paused for approval survives a page reload, then continues when approved', async ({ page }) => {
  await fresh(page);
  const { runId, result } = await page.evaluate(() =>
    harness.start(
      [{ calls: [{ name: 'send_money', arguments: { to: 'Ann', amount: 500 } }] }],
      'Pay Ann 500',
    ),
  );
  expect(result).toMatchObject({ status: 'paused' });
  expect(await page.evaluate(() => harness.calls)).toEqual([]);

  await page.reload();
  await page.waitForFunction(() => 'harness' in globalThis);
  const view = await page.evaluate((id) => harness.view(id), runId);
  expect(view).toMatchObject({ live: false, interrupted: false, run: { status: 'paused' } });
  const [question] = view.interruptions as Interruption[];
  expect(question).toMatchObject({
    kind: 'approval',
    tool: 'send_money',
    arguments: { to: 'Ann', amount: 500 },
  });
  expect(view.items.map((i) => i.type)).toEqual(['user', 'instructions', 'assistant']);

  const resumed = await page.evaluate(
    ({ id, interruptionId }) => harness.resume(id, [{ text: 'Sent.' }], [{ interruptionId, approve: true }]),
    { id: runId, interruptionId: question!.id },
  );
  expect(resumed).toMatchObject({ status: 'completed', output: 'Sent.' });
  expect(await page.evaluate(() => harness.calls)).toEqual(['send_money 500 to Ann']);
  const after = await page.evaluate((id) => harness.view(id), runId);
  expect(after.items.map((i) => i.type)).toEqual([
    'user',
    'instructions',
    'assistant',
    'tool_result',
    'assistant',
  ]);
  const approval = (await page.evaluate((id) => harness.spans(id), runId)).find((s) => s.kind === 'approval');
  expect(approval?.attributes['hearth.approval.decision']).toBe('approved');
});

test('a tab that crashes mid-tool: another tab cannot take the run while it lives, then sees the interrupted step and does not rerun the tool by itself', async ({
  context,
}) => {
  const first = await context.newPage();
  await fresh(first);
  const { runId } = await first.evaluate(() =>
    harness.start([{ calls: [{ name: 'launch', arguments: { target: 'moon' } }] }], 'Launch', 'tool-started'),
  );
  expect(await first.evaluate(() => harness.calls)).toEqual(['launch moon']);

  // A second tab while the first still runs the tool: the run's Web Lock is held.
  const second = await context.newPage();
  await openHarness(second, 'agents');
  expect(await second.evaluate(() => harness.locksHeld())).toContain(`hearth-agent-run:${runId}`);
  expect(await second.evaluate((id) => harness.resume(id, []), runId)).toMatchObject({
    error: { code: 'AGENT_RUN_LOCKED' },
  });
  // Tabs of one site may share a renderer process: close this one so the crash takes only the first.
  await second.close();

  // The first tab's renderer dies mid-tool; a tab opened afterwards takes over.
  const cdp = await context.newCDPSession(first);
  const crashed = first.waitForEvent('crash');
  // The session goes down with the page: its answer may never come, so wait for the crash itself.
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  const third = await context.newPage();
  await openHarness(third, 'agents');
  await expect
    .poll(() => third.evaluate(() => harness.locksHeld()))
    .not.toContain(`hearth-agent-run:${runId}`);

  const view = await third.evaluate((id) => harness.view(id), runId);
  expect(view).toMatchObject({ live: false, interrupted: true, run: { status: 'running' } });
  expect(view.run.step?.calls).toEqual([expect.objectContaining({ tool: 'launch', state: 'running' })]);
  // The thread holds whole steps only: the call, but no half-written result.
  expect(view.items.map((i) => i.type)).toEqual(['user', 'instructions', 'assistant']);

  const resumed = await third.evaluate((id) => harness.resume(id, [{ text: 'unused' }]), runId);
  expect(resumed).toMatchObject({ status: 'paused' });
  const question = (resumed as Extract<RunResult, { status: 'paused' }>).interruptions[0]!;
  expect(question).toMatchObject({ kind: 'interrupted', tool: 'launch' });
  expect(await third.evaluate(() => harness.calls)).toEqual([]); // not run again by itself

  // The user chooses to run it again (this time it finishes).
  await third.evaluate(() => sessionStorage.setItem('launch-finishes', 'yes'));
  const done = await third.evaluate(
    ({ id, interruptionId }) =>
      harness.resume(id, [{ text: 'Launched.' }], [{ interruptionId, approve: true }]),
    { id: runId, interruptionId: question.id },
  );
  expect(done).toMatchObject({ status: 'completed', output: 'Launched.' });
  expect(await third.evaluate(() => harness.calls)).toEqual(['launch moon']);
  const spans = await third.evaluate((id) => harness.spans(id), runId);
  const launches = spans.filter((s) => s.name === 'execute_tool launch');
  expect(launches).toHaveLength(2); // the interrupted one (ended on recovery) and the rerun
  expect(launches.every((s) => s.end !== undefined)).toBe(true);
});

test('the demo model in its worker, through hearth.agents: a forced tool call, then an answer that reuses the cached prompt', async ({
  page,
}) => {
  await openHarness(page, 'agents');
  const outcome = await page.evaluate(() => harness.demoModel());
  expect('error' in outcome ? outcome.error : null).toBeNull();
  if ('error' in outcome) return;
  expect(outcome.result.status).toBe('completed');
  expect(outcome.tool?.tool).toBe('weather');
  expect(outcome.tool?.status).not.toBe('unknown_tool');
  const [first, second] = outcome.usage;
  // The KV cache holds the first prompt and every generated token but the last (never fed back).
  expect(second!.cached_prompt_tokens).toBeGreaterThanOrEqual(
    first!.prompt_tokens + first!.completion_tokens - 1,
  );
});
