import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { installScriptedEngine, tokenPieces } from './pages/app-scripted-engine.ts';
import { app, expectFitsWindow, lastAnswer, send } from './support/app.ts';
import { expectNoSeriousViolations } from './support/axe.ts';
import { ingestHandbook, passageMark } from './support/documents.ts';

// Chat answers from "my documents" on the production build: the real RAG worker, embedder and
// IndexedDB, and the demo chat model. The demo model's words mean nothing, so the assertions are on
// what retrieval decided (the sources stored with the answer and their links), not on the wording.

test('use my documents: a streamed answer with sources, kept after reload and exported; a citation opens its passage highlighted', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${app}#/documents`);
  await ingestHandbook(page);

  // The switch and the collection belong to the conversation.
  await page.getByRole('link', { name: 'Chat' }).click();
  const picker = page.locator('hearth-grounding-picker');
  await picker.getByLabel('Use my documents').check();
  await expect(picker.locator('#grounding-collection option:checked')).toHaveText('Handbook');
  await expect(page).toHaveURL(/#\/chat\/[\w-]+$/);

  // The real model answers; the sources come from the hybrid search of the question.
  await send(page, 'Where does the keeper note the honey harvest of each hive?');
  const answer = lastAnswer(page);
  await expect(answer.locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 90_000 });
  await expect(answer.locator('[data-stat="model"]')).toHaveText('hearth-demo/tiny-llama-chat');
  await expect(answer.locator('.markdown')).not.toBeEmpty();
  const firstSource = answer.locator('[data-testid="sources"] li').first();
  await expect(firstSource.locator('a')).toHaveText('notes.md');
  await expect(firstSource).toContainText('Orchard log › Hives');
  await expect(firstSource.locator('q')).toContainText('the keeper weighs each hive');

  // Stored with the message: a reload shows the same sources, and the link opens the passage.
  await page.reload();
  await expect(firstSource.locator('a')).toHaveText('notes.md');
  await expect(picker.getByLabel('Use my documents')).toBeChecked();
  await firstSource.locator('a').click();
  await expect(page).toHaveURL(/#\/documents\/[\w-]+\?start=\d+&end=\d+$/);
  await expect(passageMark(page)).toContainText('the keeper weighs each hive');
  await expect(passageMark(page)).toBeFocused();
  await page.goBack();

  // `[n]` in an answer becomes a link to source n, recognised in the rendered text: not in code,
  // not for a number no source has. A scripted answer stands in for a model that cites.
  await page.evaluate(installScriptedEngine, {
    pieces: tokenPieces('The archive keeps snapshots [1]. Not `[1]` in code, nor [9].'),
    delayMs: 2,
  });
  await send(page, 'What does the lighthouse keeper archive keep as snapshots?');
  const cited = lastAnswer(page);
  await expect(cited.locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 60_000 });
  await expect(cited.locator('[data-testid="sources"] li', { hasText: 'guide.pdf' }).first()).toContainText(
    /page \d/,
  );
  const citation = cited.locator('.markdown a.citation');
  await expect(citation).toHaveCount(1);
  await expect(citation).toHaveText('[1]');
  const sourceOne = await cited.locator('[data-testid="sources"] li[data-source="1"] a').getAttribute('href');
  expect(sourceOne).toMatch(/^#\/documents\/[\w-]+\?start=\d+&end=\d+$/);
  await expect(citation).toHaveAttribute('href', sourceOne!);
  await expect(cited.locator('.markdown code')).toHaveText('[1]');
  await expect(cited.locator('.markdown')).toContainText('nor [9].');

  // Sources and citations pass axe in both themes and at 360 px, where nothing is wider than the window.
  for (const [colorScheme, width] of [
    ['light', 1280],
    ['dark', 360],
  ] as const) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width, height: 800 });
    await expectNoSeriousViolations(page, colorScheme);
    await expectFitsWindow(page);
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // Exported with the conversation.
  await page.locator('details.menu summary').click();
  const download = page.waitForEvent('download');
  await page.locator('[data-action="export-json"]').click();
  const file = await (await download).path();
  const exported = JSON.parse(readFileSync(file, 'utf8')) as {
    conversation: { grounding: unknown; messages: Array<{ role: string; sources?: Array<{ n: number }> }> };
  };
  expect(exported.conversation.grounding).toMatchObject({ enabled: true });
  const answers = exported.conversation.messages.filter((m) => m.role === 'assistant');
  expect(answers.map((m) => m.sources?.[0]?.n)).toEqual([1, 1]);
  await page.keyboard.press('Escape');

  await citation.click();
  await expect(page).toHaveURL(new RegExp(`${sourceOne!.replace(/[?]/g, '\\?')}$`));
  await expect(passageMark(page)).toBeVisible();
  expect(errors).toEqual([]);
});
