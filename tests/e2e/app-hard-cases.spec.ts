import { expect, test, type Page } from '@playwright/test';
import { installScriptedEngine } from './pages/app-scripted-engine.ts';
import { app, ask, openSettings, send } from './support/app.ts';
import { expectNoSeriousViolations } from './support/axe.ts';

// The app's hard cases on the production build with the bundled demo model (a 512-token context).

const view = (page: Page) => page.locator('hearth-chat-view');
const answers = (page: Page) => view(page).locator('hearth-chat-message:not([role-user])');

test('the context fills up: the meter counts, the oldest turns are left out and marked as such', async ({
  page,
}) => {
  await page.goto(app);
  // Short answers, so the questions fill the context.
  await openSettings(page, { max_tokens: '8', temperature: '0' });

  const meter = page.locator('[data-testid="context-meter"]');
  const note = page.locator('[data-testid="dropped-note"]');
  const used: number[] = [];
  for (let turn = 1; turn <= 10 && !(await note.isVisible()); turn++) {
    const words = Array.from({ length: 15 }, (_, i) => `word${turn}x${i}`).join(' ');
    await ask(page, `Turn ${turn}: please remember these words. ${words}`);
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
  await expectNoSeriousViolations(page);

  // Kept with the conversation: after a reload the same messages are marked.
  await page.reload();
  await expect(note).toBeVisible();
  await expect(view(page).locator('hearth-chat-message[data-dropped]')).toHaveCount(dropped);
});

/**
 * In the page, over the scripted engine: the GPU is lost after two pieces of the first answer —
 * the stream fails with the engine's DEVICE_LOST message, as it crosses the worker boundary — and
 * from then on the engine reports WASM, as the ORT engine does after moving (device-lost.spec.ts).
 */
async function loseTheGpuOnce(): Promise<void> {
  type Engine = {
    open(): Promise<{ device: string }>;
    stream(request: unknown): Promise<AsyncIterable<unknown>>;
  };
  const view = document.querySelector('hearth-app')?.shadowRoot?.querySelector('hearth-chat-view') as
    (HTMLElement & { engine: Engine }) | null;
  if (!view) throw new Error('the chat view is not in the page');
  const scripted = view.engine;
  let device = 'webgpu';
  view.engine = {
    open: async () => ({ ...(await scripted.open()), device }),
    stream: async (request) => {
      const chunks = await scripted.stream(request);
      if (device !== 'webgpu') return chunks;
      device = 'wasm';
      return (async function* () {
        let sent = 0;
        for await (const chunk of chunks) {
          if (sent++ === 2)
            throw Object.assign(
              new Error(
                'The GPU stopped while the model was running (WebGPU device lost: the device was destroyed). The model is moved to WASM, which is slower but keeps working: send the message again.',
              ),
              { name: 'HearthError', code: 'DEVICE_LOST' },
            );
          yield chunk;
        }
      })();
    },
  };
}

test('a lost GPU mid-answer: the answer says what happened and Try again answers on WASM', async ({
  page,
}) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  await page.evaluate(installScriptedEngine, { pieces: ['The answer ', 'begins', ' and ends.'], delayMs: 2 });
  await page.evaluate(loseTheGpuOnce);
  await send(page, 'Tell me something.');
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
