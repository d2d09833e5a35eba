import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { installScriptedEngine, tokenPieces } from './pages/app-scripted-engine.ts';
import { app, lastAnswer, send } from './support/app.ts';
import { openUnderTrustedTypes, watchRequests } from './support/requests.ts';

// Model output is untrusted. A hostile answer, fed to the Chat view of the production build as a
// scripted stream, must not run anything nor make the browser contact another host.
const hostile = readFileSync('tests/fixtures/markdown/hostile-answer.md', 'utf8');

async function streamHostileAnswer(page: Page) {
  await page.evaluate(installScriptedEngine, { pieces: tokenPieces(hostile), delayMs: 2 });
  await send(page, 'Summarise the report.');
  const answer = lastAnswer(page);
  await expect(answer.locator('[data-testid="answer-stats"]')).toBeVisible();
  await expect(answer.locator('.markdown')).toContainText('Styled text');
  return answer;
}

async function expectNothingRan(page: Page, answer: ReturnType<Page['locator']>) {
  expect(await page.evaluate(() => (window as { __hearthPwned?: string }).__hearthPwned)).toBeUndefined();
  const body = answer.locator('.markdown');
  await expect(body.locator('script, iframe, svg, [onerror], [onclick], [style]')).toHaveCount(0);
  await expect(body.locator('img')).toHaveCount(0);
  // javascript: and data: links keep their text and lose their target.
  await expect(body.getByText('harmless-looking link')).not.toHaveAttribute('href', /.*/);
  await expect(body.getByText('data link')).not.toHaveAttribute('href', /.*/);
  const guide = body.getByRole('link', { name: 'The guide' });
  await expect(guide).toHaveAttribute('href', 'https://docs.example.org/guide');
  await expect(guide).toHaveAttribute('target', '_blank');
  await expect(guide).toHaveAttribute('rel', 'noopener noreferrer');
}

test('a hostile streamed answer: nothing executes, no request leaves 127.0.0.1, a remote image waits for consent', async ({
  page,
}) => {
  const requests = await watchRequests(page);
  await page.goto(app);
  const answer = await streamHostileAnswer(page);
  await expectNothingRan(page, answer);
  await answer.getByText('harmless-looking link').click();
  await answer.getByText('data link').click();
  expect(await page.evaluate(() => (window as { __hearthPwned?: string }).__hearthPwned)).toBeUndefined();
  expect(page.url()).toContain(app);

  expect(requests.outside).toEqual([]);
  expect(requests.all.every((url) => /^(http:\/\/127\.0\.0\.1:|blob:|data:)/.test(url))).toBe(true);

  // The remote image is a placeholder; it is fetched only when the person asks for it.
  const load = answer.getByRole('button', { name: 'Load image from attacker.example' });
  await expect(load).toBeVisible();
  const chart = answer.locator('.remote-image', { hasText: 'quarterly chart' });
  await expect(chart).toBeVisible();
  await load.click();
  await expect
    .poll(() => requests.outside)
    .toEqual(['https://attacker.example/pixel.png?q=the-whole-conversation']);
  await expect(answer.locator('.remote-image', { hasText: 'could not be loaded' })).toBeVisible();
});

test("under require-trusted-types-for 'script' the app renders answers and runs the real model", async ({
  page,
}) => {
  const { requests, errors } = await openUnderTrustedTypes(page, app);
  // Enforced: a plain string into innerHTML is refused in this page.
  expect(
    await page.evaluate(() => {
      try {
        document.createElement('div').innerHTML = '<b>x</b>';
        return 'accepted';
      } catch (error) {
        return (error as Error).name;
      }
    }),
  ).toBe('TypeError');

  // The real engine: its worker starts through the default policy (same-origin script URLs only).
  await send(page, 'What is Hearth?');
  const real = lastAnswer(page);
  await expect(real.locator('[data-stat="model"]')).toHaveText('hearth-demo/tiny-llama-chat', {
    timeout: 60_000,
  });

  const answer = await streamHostileAnswer(page);
  await expectNothingRan(page, answer);
  await expect(answer.locator('.code-block, p').first()).toBeVisible();
  const violations = await page.evaluate(() => (window as { __violations?: string[] }).__violations);
  // The one violation expected is the probe above; the app itself causes none.
  expect(violations).toEqual([expect.stringMatching(/^require-trusted-types-for: /)]);
  expect(errors).toEqual([]);
  expect(requests.outside).toEqual([]);
});
