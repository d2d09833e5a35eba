import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

// The app's hard cases on the production build with the bundled demo model (a 512-token context).
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;

const view = (page: Page) => page.locator('hearth-chat-view');
const answers = (page: Page) => view(page).locator('hearth-chat-message:not([role-user])');

async function askAndWait(page: Page, text: string) {
  const before = await answers(page).count();
  await page.locator('#message').fill(text);
  await page.locator('#message').press('Enter');
  await expect(answers(page)).toHaveCount(before + 1);
  await expect(answers(page).last().locator('[data-testid="answer-stats"]')).toBeVisible({
    timeout: 60_000,
  });
}

test('the context fills up: the meter counts, the oldest turns are left out and marked as such', async ({
  page,
}) => {
  await page.goto(app);
  // Short answers, so the questions fill the context.
  await view(page).locator('[data-action="settings"]').click();
  const settings = view(page).locator('hearth-chat-settings dialog');
  await settings.locator('#max_tokens').fill('8');
  await settings.locator('#temperature').fill('0');
  await settings.locator('button[type="submit"]').click();
  await expect(settings).toBeHidden();

  const meter = page.locator('[data-testid="context-meter"]');
  const note = page.locator('[data-testid="dropped-note"]');
  const used: number[] = [];
  for (let turn = 1; turn <= 10 && !(await note.isVisible()); turn++) {
    const words = Array.from({ length: 15 }, (_, i) => `word${turn}x${i}`).join(' ');
    await askAndWait(page, `Turn ${turn}: please remember these words. ${words}`);
    const [count, limit] = (await meter.locator('span').first().innerText())
      .match(/([\d,]+) of ([\d,]+) context tokens used/)!
      .slice(1)
      .map((n) => Number(n.replace(/,/g, '')));
    expect(limit).toBe(512);
    expect(count).toBeLessThanOrEqual(512);
    used.push(count!);
  }
  // The meter grew with each turn until old turns had to go.
  expect(used.length).toBeGreaterThan(1);
  expect(used[1]).toBeGreaterThan(used[0]!);
  await expect(note).toBeVisible();
  const dropped = Number((await note.innerText()).match(/The first (\d+) messages/)![1]);
  expect(dropped).toBeGreaterThanOrEqual(2);
  const messages = view(page).locator('hearth-chat-message');
  await expect(view(page).locator('hearth-chat-message[data-dropped]')).toHaveCount(dropped);
  await expect(messages.first()).toHaveAttribute('data-dropped');
  await expect(messages.nth(dropped)).not.toHaveAttribute('data-dropped');
  await expect(meter.locator('[data-testid="context-warning"]')).toHaveText(/^Full: the oldest messages/);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // Kept with the conversation: after a reload the same messages are marked.
  await page.reload();
  await expect(note).toBeVisible();
  await expect(view(page).locator('hearth-chat-message[data-dropped]')).toHaveCount(dropped);
});

/**
 * In the page: an engine whose GPU is lost after two pieces of the first answer — the stream
 * fails with the engine's DEVICE_LOST error as it crosses the worker boundary (code and message),
 * and from then on the engine reports WASM, as the ORT engine does after moving (tests/e2e/device-lost.spec.ts).
 */
async function installLosingEngine(): Promise<void> {
  const view = document.querySelector('hearth-app')?.shadowRoot?.querySelector('hearth-chat-view') as
    (HTMLElement & { engine: unknown }) | null;
  if (!view) throw new Error('the chat view is not in the page');
  let device = 'webgpu';
  const capabilities = () => ({
    backend: 'ort',
    device,
    deviceReason:
      device === 'webgpu' ? 'WebGPU was requested.' : 'The WebGPU device was lost: moved to WASM.',
    modelId: 'scripted/gpu',
    dtype: 'fp32',
    contextLength: 512,
    supportsTools: false,
    supportsAdapters: false,
    supportsGrammar: false,
  });
  const chunk = (content: string | undefined, finish: string | null, usage?: unknown) => ({
    id: 'scripted',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'scripted/gpu',
    choices: [{ index: 0, delta: content === undefined ? {} : { content }, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  });
  view.engine = {
    open: async () => capabilities(),
    stream: async () =>
      (async function* () {
        yield chunk('The answer ', null);
        yield chunk('begins', null);
        if (device === 'webgpu') {
          device = 'wasm';
          throw Object.assign(
            new Error(
              'The GPU stopped while the model was running (WebGPU device lost: the device was destroyed). The model is moved to WASM, which is slower but keeps working: send the message again.',
            ),
            { name: 'HearthError', code: 'DEVICE_LOST' },
          );
        }
        yield chunk(' and ends.', 'stop', {
          prompt_tokens: 10,
          completion_tokens: 3,
          total_tokens: 13,
          cached_prompt_tokens: 0,
          dropped_messages: 0,
          timings: { ttft_ms: 5, prefill_tok_s: 100, decode_tok_s: 50, total_ms: 40 },
        });
      })(),
  };
}

test('a lost GPU mid-answer: the answer says what happened and Try again answers on WASM', async ({
  page,
}) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  await page.evaluate(installLosingEngine);
  await page.locator('#message').fill('Tell me something.');
  await page.locator('#message').press('Enter');
  const failed = answers(page).last();
  await expect(failed.locator('[data-state="error"]')).toHaveText(
    /GPU stopped .* moved to WASM, which is slower but keeps working/,
  );
  await expect(page.locator('[role="status"]')).toHaveText('The answer failed.');
  await failed.locator('[data-action="regenerate"]', { hasText: 'Try again' }).click();
  const retried = answers(page).last();
  await expect(retried.locator('[data-testid="answer-stats"] [data-stat="device"]')).toHaveText('WASM');
  await expect(retried.locator('.markdown')).toHaveText('The answer begins and ends.');
});
