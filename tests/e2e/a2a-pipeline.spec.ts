import { expect, test, type Page } from '@playwright/test';
import type { AgentEvent, OtlpTraceExport, RunResult, RunView } from '../../src/agent/index.ts';
import { openHarness } from './harness.ts';
import { startV1Agent, type V1Agent } from './support/a2a-sdk-agents.ts';

// Remote A2A agents in pipelines, in Chromium: a handoff to an agent built with @a2a-js/sdk on a loopback port
// that survives a page reload mid-task, abort canceling the remote task, and the demo model (in its worker,
// through hearth.agents) calling the agent as a tool and handing the conversation to it.

type Outcome = { result?: RunResult; error?: { code?: string; message: string } };
type Demo = {
  result: RunResult;
  events: AgentEvent[];
  otlp: OtlpTraceExport;
};

declare const harness: {
  reset(): Promise<void>;
  addAgent(url: string): Promise<string>;
  start(url: string, input: string, abortOn?: string): string;
  resume(runId: string): string;
  state(runId: string): { events: AgentEvent[]; outcome?: Outcome } | undefined;
  view(runId: string): Promise<RunView>;
  locksHeld(): Promise<string[]>;
  otlp(runId: string): Promise<OtlpTraceExport>;
  demoModel(
    url: string,
  ): Promise<
    { toolName: string; asTool: Demo; handoff: Demo } | { error: { code?: string; message: string } }
  >;
};

let agent: V1Agent;
test.beforeAll(async () => {
  agent = await startV1Agent();
});
test.afterAll(() => agent?.close());

const updates = (events: AgentEvent[] | undefined) =>
  (events ?? []).flatMap((e) => (e.type === 'remote_update' ? [e.text] : []));
const state = (page: Page, runId: string) => page.evaluate((id) => harness.state(id), runId);
const spansOf = (otlp: OtlpTraceExport) => otlp.resourceSpans[0]!.scopeSpans[0]!.spans;

test('a handoff to a remote agent survives a reload mid-task: the run follows the task by its id, sent once', async ({
  page,
}) => {
  await openHarness(page, 'a2a-pipeline');
  await page.evaluate(() => harness.reset());
  await page.evaluate((url) => harness.addAgent(url), agent.url);
  const before = agent.executor.received.length;
  const runId = await page.evaluate((url) => harness.start(url, 'hold'), agent.url);
  await expect.poll(async () => updates((await state(page, runId))?.events)).toContain('working: thinking');
  expect(agent.executor.holding).toBe(1);
  // The task id is in the run's stored step before the page goes.
  await expect
    .poll(
      async () => (await page.evaluate((id) => harness.view(id), runId)).run.step?.calls[0]?.remote?.taskId,
    )
    .toBe(agent.executor.received.at(-1)!.taskId);

  await page.reload();
  await page.waitForFunction(() => 'harness' in globalThis);
  await expect
    .poll(() => page.evaluate(() => harness.locksHeld()))
    .not.toContain(`hearth-agent-run:${runId}`);
  const view = await page.evaluate((id) => harness.view(id), runId);
  expect(view).toMatchObject({ interrupted: true, run: { status: 'running', agent: 'helpdesk' } });

  await page.evaluate((id) => harness.resume(id), runId);
  await expect.poll(async () => updates((await state(page, runId))?.events)).toEqual(['task working']);
  agent.executor.release();
  await expect
    .poll(async () => (await state(page, runId))?.outcome)
    .toMatchObject({ result: { status: 'completed', agent: 'helpdesk', output: 'echo: hold\n\ndone' } });
  expect(updates((await state(page, runId))?.events).at(-1)).toBe('completed: done');
  expect(agent.executor.received.slice(before).map((m) => m.text)).toEqual(['hold']);

  // One client span for the call, from the send before the reload to the answer after it.
  const spans = spansOf(await page.evaluate((id) => harness.otlp(id), runId));
  const calls = spans.filter((s) => s.name === 'a2a.call');
  expect(calls).toHaveLength(1);
  expect(calls[0]).toMatchObject({ kind: 3, status: { code: 1 } });
  expect(calls[0]!.attributes).toContainEqual({ key: 'hearth.remote.followed', value: { boolValue: true } });
});

test('stopping the run cancels the remote task', async ({ page }) => {
  await openHarness(page, 'a2a-pipeline');
  await page.evaluate(() => harness.reset());
  await page.evaluate((url) => harness.addAgent(url), agent.url);
  const runId = await page.evaluate((url) => harness.start(url, 'slow', 'working: step 1'), agent.url);
  await expect
    .poll(async () => (await state(page, runId))?.outcome)
    .toMatchObject({ error: { code: 'ABORTED' } });
  const taskId = agent.executor.received.at(-1)!.taskId;
  expect(agent.executor.cancelRequests.has(taskId)).toBe(true);
  expect(updates((await state(page, runId))?.events)).toContain('task canceled on the agent');
  expect((await page.evaluate((id) => harness.view(id), runId)).run.status).toBe('aborted');
});

test('the demo model through hearth.agents: a forced call to the remote agent as a tool, then a forced handoff to it', async ({
  page,
}) => {
  await openHarness(page, 'a2a-pipeline');
  const before = agent.executor.received.length;
  const outcome = await page.evaluate((url) => harness.demoModel(url), agent.url);
  if ('error' in outcome) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  const { asTool, handoff, toolName } = outcome;

  expect(asTool.result.status).toBe('completed');
  const started = asTool.events.find((e) => e.type === 'tool_call_started');
  const message = (started as { arguments: { message: string } }).arguments.message;
  const finished = asTool.events.find((e) => e.type === 'tool_call_finished');
  expect(finished).toMatchObject({ tool: toolName, status: 'ok' });
  expect(JSON.parse((finished as { output: string }).output)).toMatchObject({
    text: `echo: ${message}\n\ndone`,
  });
  const toolSpans = spansOf(asTool.otlp);
  const call = toolSpans.find((s) => s.name === `execute_tool ${toolName}`)!;
  expect(toolSpans.find((s) => s.name === 'a2a.call')).toMatchObject({ kind: 3, parentSpanId: call.spanId });

  expect(handoff.result).toMatchObject({
    status: 'completed',
    agent: 'helpdesk',
    output: 'echo: Where is my order?\n\ndone',
  });
  expect(handoff.events.find((e) => e.type === 'handoff')).toMatchObject({ from: 'triage', to: 'helpdesk' });
  expect(
    spansOf(handoff.otlp)
      .filter((s) => s.kind === 3)
      .map((s) => s.name),
  ).toEqual(['a2a.call']);
  expect(agent.executor.received.slice(before).map((m) => m.text)).toEqual([message, 'Where is my order?']);
});
