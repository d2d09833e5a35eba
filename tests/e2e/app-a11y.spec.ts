import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { installScriptedEngine, tokenPieces } from './pages/app-scripted-engine.ts';
import { app, expectFitsWindow, lastAnswer, send } from './support/app.ts';
import { expectNoSeriousViolations } from './support/axe.ts';
import { ingestInto, markdownNote } from './support/documents.ts';

// Accessibility of the app on the production build: axe finds no serious or critical violation in
// either theme, at 360 px (and, for the shell and the Chat view, on a desktop), on every view and with
// each dialog open; nothing is wider than the window; every action works from the keyboard. The
// screenshots go to the README. (The training consent dialog is checked the same way in
// app-adapters.spec.ts, the erase dialog in app-erase.spec.ts, sources and citations in app-cite.spec.ts.)
const sample = readFileSync('tests/fixtures/markdown/sample-answer.md', 'utf8');

const layouts = [
  { name: '360', viewport: { width: 360, height: 740 } },
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
] as const;

for (const theme of ['light', 'dark'] as const) {
  for (const layout of layouts) {
    test(`${theme} theme at ${layout.name}: no serious axe violation, nothing wider than the window`, async ({
      page,
    }) => {
      await page.setViewportSize(layout.viewport);
      await page.addInitScript((t) => localStorage.setItem('hearth:theme', t), theme);
      await page.goto(app);
      await expect(page.locator('#message')).toBeEditable();
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);

      // The shell with the empty chat.
      await expectNoSeriousViolations(page);
      await expectFitsWindow(page);
      await page.screenshot({ path: `docs/screenshots/shell-${theme}-${layout.name}.png` });

      // A conversation with a table, a list and highlighted code.
      await page.evaluate(installScriptedEngine, { pieces: tokenPieces(sample), delayMs: 2 });
      await send(page, 'Where should a web app keep its notes offline?');
      const answer = lastAnswer(page);
      await expect(answer.locator('[data-testid="answer-stats"]')).toBeVisible();
      await expect(answer.locator('.code-block .hljs-keyword').first()).toBeVisible();
      await expectNoSeriousViolations(page);
      await expectFitsWindow(page);
      await page.screenshot({ path: `docs/screenshots/chat-${theme}-${layout.name}.png` });

      // The help dialog.
      await page.locator('[data-action="help"]').click();
      await expect(page.locator('hearth-help-dialog dialog')).toBeVisible();
      await expectNoSeriousViolations(page);
      await expectFitsWindow(page);
      await page.keyboard.press('Escape');
      await expect(page.locator('hearth-help-dialog dialog')).toBeHidden();
    });
  }
}

test('everything by keyboard: tab to Send and press Enter, and the shortcuts', async ({ page }) => {
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  await page.evaluate(installScriptedEngine, { pieces: tokenPieces(sample), delayMs: 2 });

  // Shift+Esc focuses the message box; Tab goes on to Send; Enter on it sends.
  await page.keyboard.press('Shift+Escape');
  await expect(page.locator('#message')).toBeFocused();
  await page.keyboard.type('A question? Typed "?" stays in the box.');
  await expect(page.locator('hearth-help-dialog dialog')).toBeHidden();
  await page.keyboard.press('Tab');
  await expect(page.locator('[data-action="send"]')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('hearth-chat-message[role-user]')).toHaveText(
    /A question\? Typed "\?" stays in the box\./,
  );
  await expect(page.locator('[data-testid="answer-stats"]')).toBeVisible();
  await expect(page.locator('[role="status"]')).toHaveText(/^Answer ready: Here is a short comparison/);

  // Esc stops an answer being written.
  await page.evaluate(installScriptedEngine, { pieces: tokenPieces(sample.repeat(4)), delayMs: 40 });
  await page.keyboard.press('Shift+Escape');
  await page.keyboard.type('Another one');
  await page.keyboard.press('Enter');
  const second = lastAnswer(page);
  await expect(second.locator('[data-state="writing"]')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(second.locator('[data-state="stopped"]')).toBeVisible();
  await expect(page.locator('[role="status"]')).toHaveText('Answer stopped.');

  // Ctrl+K searches the chats; Ctrl+Shift+O starts a new chat; ? and Ctrl+/ show the shortcuts.
  await page.keyboard.press('Control+k');
  await expect(page.locator('input[type="search"]')).toBeFocused();
  await page.keyboard.press('Control+Shift+O');
  await expect(page).toHaveURL(/#\/chat$/);
  await expect(page.locator('#message')).toBeFocused();
  await expect(page.locator('hearth-chat-message')).toHaveCount(0);
  await page.locator('#message').blur();
  await page.keyboard.press('?');
  const help = page.locator('hearth-help-dialog dialog');
  await expect(help).toBeVisible();
  await expect(help).toContainText('Ctrl + Shift + O');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await page.keyboard.press('Control+/');
  await expect(help).toBeVisible();
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(help).toBeHidden();

  // The views are links: Tab reaches them and Enter follows them.
  await page.locator('nav a', { hasText: 'Device' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/device$/);
  await expect(page.locator('hearth-device-panel')).toBeVisible();
});

/** axe in the light and the dark theme, and nothing wider than the window, on what the page shows now. */
async function expectAccessibleInBothThemes(page: Page, what: string) {
  for (const theme of ['light', 'dark'] as const) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await expectNoSeriousViolations(page, `${what}, ${theme} theme`);
    await expectFitsWindow(page);
  }
}

test('every view and its dialogs at 360 px, in both themes: no serious axe violation, nothing wider than the window', async ({
  page,
}) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(app);
  await expect(page.locator('#message')).toBeEditable();
  await expectAccessibleInBothThemes(page, 'chat');
  await page.locator('[data-action="settings"]').click();
  await expect(page.locator('hearth-chat-settings dialog')).toBeVisible();
  await expectAccessibleInBothThemes(page, 'chat settings dialog');
  await page.keyboard.press('Escape');
  await expect(page.locator('hearth-chat-settings dialog')).toBeHidden();

  // Documents: a collection with a file, a search, the passage a result opens, the delete confirmation.
  await page.getByRole('link', { name: 'Documents' }).click();
  const documents = page.locator('hearth-documents-view');
  await ingestInto(page, 'Notes', [
    markdownNote('# Notes\n\nThe spare key is under the blue flower pot by the door.\n'),
  ]);
  await documents.locator('#query').fill('where is the spare key');
  await documents.locator('#query').press('Enter');
  await expect(documents.locator('[data-testid="result"]').first()).toBeVisible();
  await expectAccessibleInBothThemes(page, 'documents');
  await documents.locator('[data-testid="result"] a').first().click();
  await expect(documents.locator('hearth-passage-dialog dialog')).toBeVisible();
  await expectAccessibleInBothThemes(page, 'passage dialog');
  await page.keyboard.press('Escape');
  await expect(documents.locator('hearth-passage-dialog dialog')).toHaveCount(0);
  await documents.locator('[data-action="delete-collection"]').click();
  await expect(documents.locator('[data-action="confirm-delete"]')).toBeVisible();
  await expectAccessibleInBothThemes(page, 'delete collection confirmation');

  for (const view of ['Models', 'Adapters', 'Agents', 'Device'] as const) {
    await page.locator('nav[aria-label="Views"]').getByRole('link', { name: view }).click();
    await expect(page.locator(`hearth-${view.toLowerCase()}-view`)).toBeVisible();
    await expectAccessibleInBothThemes(page, view);
  }

  // The Device view for the README, beside the other views' screenshots.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.evaluate(() => (document.documentElement.dataset.theme = 'light'));
  await expect(page.locator('hearth-device-panel [data-field="webgpu"]')).not.toBeEmpty();
  await page.screenshot({ path: 'docs/screenshots/device.png' });
});
