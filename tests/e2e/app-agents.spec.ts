import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import express from 'express';
import { allowCors, closedPortUrl, listen, type Listening } from './support/a2a-http.ts';
import { startV1Agent, type V1Agent } from './support/a2a-sdk-agents.ts';
import { startOAuthServer } from '../support/mcp/oauth-server.ts';
import { startTestServer } from '../support/mcp/test-server.ts';
import { expectNoSeriousViolations } from './support/axe.ts';

// The Agents view on the production build, with the demo model on WASM (its tool calls forced by
// constrained decoding): a pipeline checked as it is typed, a run that asks before `save_note`,
// approved; another left waiting across a reload and approved after it (the run goes on from that
// step); the trace as a timeline and its OTLP/JSON export; an A2A agent (the SDK's server on a
// loopback port) added in the view and called by the demo model; MCP servers on loopback, one behind
// OAuth (signed in through the redirect, its tool called by the demo model) and one behind a token
// (its tool list and its loss shown as they happen); the remote tools panel from the keyboard; axe
// in both themes at 360 px and on a desktop, with each dialog open. The screenshots go to the README.
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/#/agents`;

const wasm = () =>
  localStorage.setItem(
    'hearth:model-choice',
    JSON.stringify({
      chatModel: 'hearth-demo/tiny-llama-chat',
      embedModel: 'hearth-demo/tiny-embed',
      device: 'wasm',
    }),
  );

async function open(page: Page, viewport = { width: 1280, height: 900 }) {
  await page.setViewportSize(viewport);
  await page.addInitScript(wasm);
  await page.goto(app);
  const view = page.locator('hearth-agents-view');
  await expect(view.locator('[data-testid="pipeline-status"]')).toHaveText(/Checks out/);
  return view;
}

/** axe in both themes (no serious or critical violation), and nothing wider than the window. */
async function checkAccessible(page: Page) {
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await expectNoSeriousViolations(page);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${theme}: nothing wider than the window`).toBeLessThanOrEqual(innerWidth);
  }
}

const status = (view: Locator) => view.locator('[data-testid="run-status"]');
const events = (view: Locator) => view.locator('[data-testid="run-events"] li');

test.describe.configure({ mode: 'serial' });

test('a pipeline run on the demo model: approve, reload while it waits and approve after, the trace and its export', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const view = await open(page);

  // The preset is drawn, and read as a list.
  await expect(view.locator('[data-testid="pipeline-graph"] [data-node="scribe"]')).toBeVisible();
  await expect(view.locator('[data-testid="graph-list"] li[data-node="scribe"]')).toContainText(
    'tools: save_note',
  );

  // Checked as it is typed: a JSON mistake with its line, then a tool nobody registered with its path.
  const editor = view.locator('#pipeline-json');
  const preset = await editor.inputValue();
  await editor.fill(preset.replace('"entry": "scribe",', '"entry": "scribe"'));
  await expect(view.locator('[data-testid="pipeline-problems"]')).toContainText(
    /Line 6, column 3:\s+A comma should come here/,
  );
  await expect(view.locator('[data-action="run"]')).toBeDisabled();
  await editor.fill(preset.replace('"save_note"', '"send_email"'));
  const problem = view.locator('[data-testid="pipeline-problems"] button');
  await expect(problem).toContainText('agents[0].tools[0]');
  await expect(problem).toContainText('"send_email", which is not registered');
  await problem.click();
  expect(
    await editor.evaluate((area: HTMLTextAreaElement) =>
      area.value.slice(area.selectionStart, area.selectionEnd),
    ),
  ).toBe('"send_email"');
  await expect(view.locator('[data-testid="graph-list"]')).toHaveCount(0);
  await view.locator('[data-action="restore-pipeline"]').click();
  await expect(view.locator('[data-testid="pipeline-status"]')).toHaveText(/Checks out: 1 step/);

  // Run: the model's forced call asks first; nothing is saved until it is approved.
  await view.locator('[data-action="run"]').click();
  const approval = view.locator('[data-testid="approval"]');
  await expect(approval).toContainText('scribe wants to call save_note', { timeout: 120_000 });
  await expect(status(view)).toHaveText('Waiting for you');
  await expect(events(view).filter({ hasText: 'waiting for your answer' })).toHaveCount(1);
  await expect(view.locator('[data-testid="notes"] li')).toHaveCount(0);
  await checkAccessible(page);
  await approval.locator('[data-action="approve"]').click();
  await expect(status(view)).toHaveText('Completed', { timeout: 120_000 });
  await expect(events(view).filter({ hasText: /save_note answered in \d+ ms/ })).toHaveCount(1);
  await expect(view.locator('[data-testid="agent-answer"]')).not.toBeEmpty();
  await expect(view.locator('[data-testid="notes"] li')).toHaveCount(1);

  // The trace: each kind of span with its duration.
  await view.locator('[data-action="toggle-trace"]').click();
  const rows = view.locator('[data-testid="trace-rows"] > li');
  for (const kind of ['run', 'agent', 'model', 'approval', 'tool'])
    await expect(view.locator(`[data-testid="trace-rows"] > li[data-kind="${kind}"]`).first()).toBeVisible();
  await expect(rows.locator('[data-testid="span-duration"]').first()).toHaveText(/\d+(\.\d+)? (ms|s)/);
  await rows.filter({ hasText: 'approval save_note' }).locator('summary').click();
  await expect(rows.filter({ hasText: 'approval save_note' })).toContainText('hearth.approval.decision');

  // Exported as OTLP/JSON: one resource, hex ids, nanosecond strings, every span of the timeline.
  const download = page.waitForEvent('download');
  await view.locator('[data-action="export-trace"]').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^hearth-trace-[\w-]+\.otlp\.json$/);
  const otlp = JSON.parse(readFileSync((await file.path())!, 'utf8')) as {
    resourceSpans: Array<{
      scopeSpans: Array<{
        spans: Array<{
          traceId: string;
          spanId: string;
          name: string;
          startTimeUnixNano: string;
          endTimeUnixNano: string;
        }>;
      }>;
    }>;
  };
  const spans = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  expect(spans.length).toBe(await rows.count());
  expect(spans.map((s) => s.name)).toEqual(
    expect.arrayContaining(['execute_tool save_note', 'approval save_note']),
  );
  for (const span of spans) {
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(BigInt(span.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
  }
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);

  await page.setViewportSize({ width: 1280, height: 2000 });
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
  await editor.evaluate((area) => (area.scrollTop = 0));
  await page.screenshot({ path: 'docs/screenshots/agents.png' });
  await page.setViewportSize({ width: 1280, height: 900 });

  // Another run, left waiting; the page reloads (the loop is gone with it).
  await view.locator('textarea[name="request"]').fill('Remember the milk.');
  await view.locator('[data-action="run"]').click();
  await expect(approval).toBeVisible({ timeout: 120_000 });
  const waitingRun = await view.locator('ul.runs button[aria-current="true"]').getAttribute('data-run');
  await page.reload();
  await expect(status(view)).toHaveText('Waiting for you');
  await expect(view.locator('ul.runs button[aria-current="true"]')).toHaveAttribute('data-run', waitingRun!);
  await expect(approval).toContainText('scribe wants to call save_note');
  await expect(view.locator('[data-testid="run-steps"] li[data-step="pending"]')).toContainText(
    'save_note: waits for your answer',
  );
  await expect(events(view)).toHaveCount(0);

  // At 360 px, dark, with the question open: the README's phone picture.
  await page.setViewportSize({ width: 360, height: 740 });
  await checkAccessible(page);
  await approval.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'docs/screenshots/agents-dark-360.png' });

  // Approved after the reload: the run goes on from that step (no first turn again), and saves.
  await approval.locator('[data-action="approve"]').click();
  await expect(status(view)).toHaveText('Completed', { timeout: 120_000 });
  const lines = await events(view).allInnerTexts();
  expect(lines[0]).toBe('Resumed with scribe');
  expect(lines.some((l) => l.startsWith('scribe calls save_note'))).toBe(true);
  expect(lines.some((l) => /turn 1:/.test(l))).toBe(false);
  expect(lines.some((l) => /turn 2: answered/.test(l))).toBe(true);
  await expect(view.locator('[data-testid="notes"] li')).toHaveCount(2);
  await checkAccessible(page);

  // From the keyboard (Ctrl+Enter in the request), and rejected with a reason the model is told.
  await view.locator('textarea[name="request"]').fill('Remember nothing.');
  await view.locator('textarea[name="request"]').press('Control+Enter');
  await expect(approval).toBeVisible({ timeout: 120_000 });
  await approval.getByLabel('Why not (the agent is told)').fill('not today');
  await approval.locator('[data-action="reject"]').click();
  await expect(status(view)).toHaveText('Completed', { timeout: 120_000 });
  // The refusal is a step of the thread: the tool result the model read, with the reason.
  await view.locator('summary', { hasText: 'Steps, as stored' }).click();
  const refused = view.locator('[data-testid="run-steps"] li', { hasText: 'save_note was refused by you' });
  await expect(refused).toHaveCount(1);
  await expect(refused.locator('pre')).toHaveText('The user did not allow this call to save_note: not today');
  await expect(view.locator('[data-testid="notes"] li')).toHaveCount(2);
});

let agent: V1Agent;
let hostile: Listening;
test.beforeAll(async () => {
  agent = await startV1Agent();
  // A card that tries to put markup into the page through its name, description and skills.
  const app = express();
  const markup = '<img src=x onerror="window.__pwned=1">';
  app.use(allowCors);
  app.get('/.well-known/agent-card.json', (_req, res) => {
    res.json({
      name: `Evil ${markup}`,
      description: `Says <b>bold</b> things ${markup}`,
      supportedInterfaces: [
        {
          url: `http://${_req.headers.host}/rpc`,
          protocolBinding: 'JSONRPC',
          tenant: '',
          protocolVersion: '1.0',
        },
      ],
      version: '1',
      capabilities: { streaming: true },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [{ id: 's', name: `Skill ${markup}`, description: markup, tags: [], examples: [] }],
    });
  });
  hostile = await listen(app);
});
test.afterAll(async () => {
  await agent?.close();
  await hostile?.close();
});

test('an A2A agent added in the view, given to an agent and called by the demo model; a hostile card stays text', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const view = await open(page, { width: 360, height: 740 });
  const panel = view.locator('hearth-remote-panel');

  // The add dialog, checked with axe while open.
  await panel.locator('[data-action="add-remote"]').click();
  const dialog = panel.locator('hearth-remote-dialog dialog');
  await expect(dialog).toBeVisible();
  await checkAccessible(page);
  // It opens on an MCP server; this one is an A2A agent (its own fields, checked with axe too).
  await dialog.getByLabel('An A2A agent').check();
  await expect(dialog.locator('input[name="maxMessage"]')).toBeVisible();
  await expectNoSeriousViolations(page);
  await dialog.locator('input[name="url"]').fill('ftp://nowhere');
  await dialog.locator('[data-action="confirm-add-remote"]').click();
  await expect(dialog.locator('[data-testid="remote-dialog-problem"]')).toContainText('Address');
  await dialog.locator('input[name="url"]').fill(agent.url);
  // The demo model's context is 512 tokens: its message is held to 24 characters.
  await dialog.locator('input[name="maxMessage"]').fill('24');
  await dialog.locator('[data-action="confirm-add-remote"]').click();
  await expect(dialog).toBeHidden();

  const source = panel.locator(`li[data-kind="a2a"][data-source="${agent.url}/"]`);
  await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Connected');
  await expect(source.locator('[data-testid="remote-skills"]')).toContainText(
    'Echo: Says back what it was told.',
  );
  await expect(source.locator('[data-testid="remote-tools"]')).toContainText('a2a_echo_agent');

  // Given to the pipeline's agent: its JSON gains the tool, which checks out (it is registered).
  await source.locator('[data-action="give-tool"]').click();
  const editor = view.locator('#pipeline-json');
  await expect(editor).toHaveValue(/"save_note",\s*"a2a_echo_agent"/);
  await expect(view.locator('[data-testid="pipeline-status"]')).toHaveText(/Checks out/);

  // The agent is made to call the remote agent (and only it), then runs.
  const pipeline = JSON.parse(await editor.inputValue()) as {
    agents: Array<{ tools: string[]; model: Record<string, unknown> }>;
  };
  pipeline.agents[0]!.tools = ['a2a_echo_agent'];
  pipeline.agents[0]!.model.toolChoice = { tool: 'a2a_echo_agent' };
  await editor.fill(JSON.stringify(pipeline, null, 2));
  await expect(view.locator('[data-testid="pipeline-status"]')).toHaveText(/Checks out/);
  await view.locator('textarea[name="request"]').fill('hello');
  await view.locator('[data-action="run"]').click();
  await expect(status(view)).toHaveText('Completed', { timeout: 120_000 });
  // The remote task's progress came through as events, and its answer is the echo of the model's message.
  await expect(events(view).filter({ hasText: 'a2a_echo_agent: completed' })).toHaveCount(1);
  const called = events(view).filter({ hasText: /a2a_echo_agent answered in \d+ ms/ });
  await expect(called).toHaveCount(1);
  const sent = JSON.parse(
    (await events(view)
      .filter({ hasText: 'scribe calls a2a_echo_agent' })
      .locator('pre')
      .innerText()) as string,
  ) as { message: string };
  expect(sent.message.length).toBeGreaterThan(0);
  expect(sent.message.length).toBeLessThanOrEqual(24);
  await expect(called.locator('pre')).toContainText(`"text":"echo: ${sent.message}`);
  await view.locator('[data-action="toggle-trace"]').click();
  await expect(view.locator('[data-testid="trace-rows"] > li', { hasText: 'a2a.call' })).toBeVisible();

  // Kept across a reload; its token dialog passes axe too.
  await page.reload();
  await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Connected');
  await source.locator('[data-action="token"]').click();
  await expect(panel.locator('hearth-remote-dialog dialog')).toBeVisible();
  await checkAccessible(page);
  await panel.locator('hearth-remote-dialog dialog button', { hasText: 'Cancel' }).click();

  // A card full of markup is shown as its text: no element, no script.
  await panel.locator('[data-action="add-remote"]').click();
  await dialog.getByLabel('An A2A agent').check();
  await dialog.locator('input[name="url"]').fill(hostile.url);
  await dialog.locator('[data-action="confirm-add-remote"]').click();
  const evil = panel.locator(`li[data-source="${hostile.url}/"]`);
  await expect(evil.locator('.name')).toHaveText('Evil <img src=x onerror="window.__pwned=1">');
  await expect(evil.locator('[data-testid="remote-skills"]')).toContainText('<img src=x');
  expect(await panel.locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();

  // From the keyboard alone: Enter opens the dialog with the focus inside it, Escape closes it and
  // gives the focus back; an agent at an address nobody listens on is added with Enter and shown as
  // one that cannot be reached, with the reason and its code; then removed with Enter.
  const addButton = panel.locator('[data-action="add-remote"]');
  await addButton.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  expect(await dialog.evaluate((d) => d.contains((d.getRootNode() as ShadowRoot).activeElement))).toBe(true);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(addButton).toBeFocused();
  await page.keyboard.press('Enter');
  await dialog.getByLabel('An A2A agent').focus();
  await page.keyboard.press('Space');
  await dialog.locator('input[name="url"]').focus();
  const nobody = await closedPortUrl(express());
  await page.keyboard.type(nobody);
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  const gone = panel.locator(`li[data-kind="a2a"][data-source="${nobody}/"]`);
  await expect(gone.locator('[data-testid="remote-state"]')).toHaveText('Cannot connect');
  await expect(gone.locator('.problem')).toHaveText(/\S.*\([A-Z0-9_]+\)$/);
  await expect(gone.locator('[data-testid="remote-tools"]')).toHaveCount(0);
  await gone.locator('[data-action="remove-remote"]').focus();
  await page.keyboard.press('Enter');
  await expect(gone).toHaveCount(0);

  // Removed, both.
  await evil.locator('[data-action="remove-remote"]').click();
  await source.locator('[data-action="remove-remote"]').click();
  await expect(panel.locator('li[data-kind]')).toHaveCount(0);
});

test('an MCP server behind OAuth: added, signed in through the redirect, its tool called by the demo model, signed out', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const secured = await startOAuthServer();
  try {
    const view = await open(page);
    const panel = view.locator('hearth-remote-panel');
    await panel.locator('[data-action="add-remote"]').click();
    const dialog = panel.locator('hearth-remote-dialog dialog');
    await dialog.locator('input[name="url"]').fill(secured.url);
    await dialog.locator('input[name="id"]').fill('notes');
    await dialog.getByLabel('Sign in (OAuth)').check();
    await dialog.locator('[data-action="confirm-add-remote"]').click();

    // The server wants a sign-in: the page goes to its authorization server and comes back here.
    const source = panel.locator('li[data-kind="mcp"][data-source="notes"]');
    await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Needs sign-in');
    await expect(source).toContainText('Sign-in: not signed in (OAuth)');
    await source.locator('[data-action="sign-in"]').click();
    await page.waitForURL(/\/#\/agents$/);
    await expect(view.locator('[data-testid="sign-in-outcome"]')).toHaveText(
      'Signed in to the MCP server “notes”.',
    );
    expect(secured.authorizationServer.log).toMatchObject({ authorizations: 1, codeExchanges: 1 });
    await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Connected');
    await expect(source).toContainText('Sign-in: signed in (OAuth)');
    const tools = source.locator('[data-testid="remote-tools"]');
    await expect(tools.locator('li[data-tool="notes__echo"]')).toBeVisible();
    await expect(tools.locator('li[data-tool="notes__delete-note"]')).toContainText('(asks you first)');
    await expect(tools.locator('li[data-tool="notes__echo"]')).not.toContainText('asks you first');
    await expect(source.locator('[data-testid="remote-prompts"]')).toContainText('greet');
    await expect(source.locator('[data-testid="remote-resources"]')).toHaveText(
      'readme: test://notes/readme, text/plain',
    );

    // A tool given to the agent and made the one it calls: `weather`, whose one argument is a
    // boolean (a string or a number the demo model fills to its token limit). With `wrong: true` the
    // server breaks its own output schema, which the bridge reports; either way the call went there.
    await tools.locator('li[data-tool="notes__weather"] [data-action="give-tool"]').click();
    const editor = view.locator('#pipeline-json');
    await expect(editor).toHaveValue(/"notes__weather"/);
    await expect(view.locator('[data-testid="pipeline-status"]')).toHaveText(/Checks out/);
    const pipeline = JSON.parse(await editor.inputValue()) as {
      agents: Array<{ tools: string[]; model: Record<string, unknown> }>;
    };
    pipeline.agents[0]!.tools = ['notes__weather'];
    pipeline.agents[0]!.model.toolChoice = { tool: 'notes__weather' };
    await editor.fill(JSON.stringify(pipeline, null, 2));
    const before = secured.mcp.callCount();
    await view.locator('textarea[name="request"]').fill('hello');
    await view.locator('[data-action="run"]').click();
    await expect(status(view)).toHaveText('Completed', { timeout: 120_000 });
    expect(secured.mcp.callCount()).toBe(before + 1);
    const finished = events(view).filter({ hasText: /notes__weather (answered|failed) in \d+ ms/ });
    await expect(finished).toHaveCount(1);
    expect(await finished.innerText()).toMatch(
      /answered in \d+ ms[\s\S]*21 °C|failed in \d+ ms[\s\S]*MCP_INVALID_RESPONSE/,
    );

    // A reload keeps the server and its sign-in: it connects again without a trip to sign in.
    await page.reload();
    await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Connected');
    expect(secured.authorizationServer.log.authorizations).toBe(1);

    // Signing out revokes both tokens; the server then asks for a sign-in again.
    await source.locator('[data-action="sign-out"]').click();
    await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Needs sign-in');
    expect(secured.authorizationServer.log.revoked).toHaveLength(2);
    await source.locator('[data-action="remove-remote"]').click();
    await expect(panel.locator('li[data-kind]')).toHaveCount(0);
  } finally {
    await secured.close();
  }
});

test('an MCP server with a token: refused without the right one, connected with it, its list and its loss shown as they happen', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const server = await startTestServer({ bearer: 'right-token' });
  try {
    const view = await open(page, { width: 360, height: 740 });
    const panel = view.locator('hearth-remote-panel');
    await panel.locator('[data-action="add-remote"]').click();
    const dialog = panel.locator('hearth-remote-dialog dialog');
    await dialog.locator('input[name="url"]').fill(server.url);
    await dialog.locator('input[name="id"]').fill('box');
    await dialog.getByLabel('A token').check();
    await dialog.locator('input[name="token"]').fill('wrong-token');
    await dialog.locator('[data-action="confirm-add-remote"]').click();

    const source = panel.locator('li[data-kind="mcp"][data-source="box"]');
    await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Needs sign-in');
    await expect(source.locator('.problem')).toContainText('refused the credentials (401)');
    await expect(source.locator('.problem')).toContainText('(MCP_UNAUTHORIZED)');
    await expect(source.locator('[data-testid="remote-tools"]')).toHaveCount(0);

    // The right token, from the token dialog: connected, with the server's tools.
    await source.locator('[data-action="token"]').click();
    const tokenDialog = panel.locator('hearth-remote-dialog dialog');
    await tokenDialog.locator('input[name="token"]').fill('right-token');
    await tokenDialog.locator('[data-action="save-token"]').click();
    await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Connected');
    await expect(source).toContainText('Sign-in: a token is saved');
    const tools = source.locator('[data-testid="remote-tools"]');
    await expect(tools.locator('li[data-tool="box__echo"]')).toBeVisible();
    await checkAccessible(page);

    // A tool the server adds (notifications/tools/list_changed) appears without a reload or a click.
    await server.addTool({
      name: 'late-tool',
      description: 'Added while the page was open.',
      inputSchema: { type: 'object', properties: {} },
      annotations: { readOnlyHint: true },
    });
    await expect(tools.locator('li[data-tool="box__late-tool"]')).toBeVisible();

    // With an A2A agent beside it, the panel as the README shows it.
    await panel.locator('[data-action="add-remote"]').click();
    await dialog.getByLabel('An A2A agent').check();
    await dialog.locator('input[name="url"]').fill(agent.url);
    await dialog.locator('[data-action="confirm-add-remote"]').click();
    const a2a = panel.locator(`li[data-kind="a2a"][data-source="${agent.url}/"]`);
    await expect(a2a.locator('[data-testid="remote-state"]')).toHaveText('Connected');
    // The whole card (its section), in a window tall enough to paint all of it.
    await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
    await page.setViewportSize({ width: 360, height: 2400 });
    await panel.scrollIntoViewIfNeeded();
    const card = await panel.evaluate((element) => {
      const { x, y, width, height } = element.parentElement!.getBoundingClientRect();
      return { x, y, width, height };
    });
    expect(card.y + card.height, 'the card fits the window').toBeLessThanOrEqual(2400);
    await page.screenshot({ path: 'docs/screenshots/agents-remote-360.png', clip: card });
    await page.setViewportSize({ width: 360, height: 740 });
    await a2a.locator('[data-action="remove-remote"]').click();
    await expect(a2a).toHaveCount(0);

    // The server goes away: the panel says so by itself, and tries again.
    await server.close();
    await expect(source.locator('[data-testid="remote-state"]')).toHaveText('Lost: trying again…');
    await source.locator('[data-action="remove-remote"]').click();
    await expect(panel.locator('li[data-kind]')).toHaveCount(0);
  } finally {
    await server.close().catch(() => undefined);
  }
});
