import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectNoSeriousViolations } from './support/axe.ts';
import { app } from './support/app.ts';

// The Documents view of the assistant app on the production build (vite preview), with the
// bundled demo embedding model and the real RAG worker, IndexedDB and pdfjs.

const notes = `# Field notes

## Beekeeping

The hives sit behind the orchard. Each spring the beekeeper checks the queen, adds a super and
writes the honey yield in the ledger.

## Bread

A sourdough starter is fed with rye flour every morning and kept in a cool pantry.
`;

// Big enough that embedding it takes a while on the demo model, so it can be cancelled mid-way.
const big = Array.from(
  { length: 4000 },
  (_, i) => `Paragraph ${i}: the archive holds letter ${i}, written about harvest ${i % 17}.\n\n`,
).join('');

const view = (page: Page) => page.locator('hearth-documents-view');
const task = (page: Page, file: string) =>
  view(page).locator(`[data-testid="ingest-task"][data-file="${file}"]`);

async function addFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await view(page).locator('#file-input').setInputFiles(files);
}

test('documents: collections, files with progress and cancel, hybrid search with pages, a cited passage highlighted, refusals in words', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${app}#/documents`);
  await expect(view(page).locator('h2')).toHaveText('Documents');

  // A collection, created by keyboard.
  await view(page).locator('#collection-name').fill('Handbook');
  await view(page).locator('#collection-name').press('Enter');
  await expect(view(page).locator('#collection option:checked')).toHaveText('Handbook');

  // A Markdown file and a PDF, each with its progress to the end.
  await addFiles(page, [
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from(notes) },
    { name: 'guide.pdf', mimeType: 'application/pdf', buffer: readFileSync('tests/fixtures/pdf/guide.pdf') },
  ]);
  for (const file of ['notes.md', 'guide.pdf']) {
    await expect(task(page, file)).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
    await expect(task(page, file).locator('progress')).toHaveJSProperty('value', 1);
    await expect(task(page, file).locator('[data-testid="ingest-status"]')).toHaveText(/Added: \d+ passages/);
  }
  const documents = view(page).locator('[data-testid="document"]');
  await expect(documents).toHaveCount(2);
  await expect(view(page).locator('[data-testid="document"][data-title="guide.pdf"]')).toContainText(
    /PDF · [\d.]+ kB · 3 pages · \d+ passages/,
  );

  // Hybrid search: the PDF's hit carries its page; the Markdown hit its heading path.
  const query = view(page).locator('#query');
  await query.fill('lighthouse keeper archives snapshots');
  await query.press('Enter');
  const results = view(page).locator('[data-testid="result"]');
  const pdfHit = results.filter({ has: page.locator('a', { hasText: 'guide.pdf' }) }).first();
  await expect(pdfHit.locator('[data-testid="result-place"]')).toHaveText(/^Pages? \d/);
  await expect(pdfHit.locator('p mark').first()).toBeVisible();
  await query.fill('beekeeper honey ledger');
  await query.press('Enter');
  const mdHit = results.first();
  await expect(mdHit.locator('a')).toHaveText('notes.md');
  await expect(mdHit.locator('[data-testid="result-place"]')).toHaveText('Field notes › Beekeeping');
  await page.screenshot({ path: 'docs/screenshots/documents.png' });

  // A citation opens its passage, highlighted and focused, at an address other views can link to.
  await mdHit.locator('a').click();
  await expect(page).toHaveURL(/#\/documents\/[\w-]+\?start=\d+&end=\d+$/);
  const dialog = view(page).locator('hearth-passage-dialog dialog');
  await expect(dialog).toBeVisible();
  const mark = dialog.locator('mark');
  await expect(mark).toContainText('beekeeper checks the queen');
  await expect(mark).toBeFocused();
  await expect(dialog.locator('[data-testid="passage-place"]')).toHaveText('Field notes › Beekeeping');
  await expectNoSeriousViolations(page);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page).toHaveURL(/#\/documents$/);

  // The same address opened directly (a link from a chat answer) shows the same passage.
  const cited = await mdHit.locator('a').getAttribute('href');
  await page.goto(`${app}${cited}`);
  await expect(view(page).locator('hearth-passage-dialog mark')).toContainText('beekeeper');
  await view(page).locator('[data-action="close-passage"]').click();

  // Cancel an ingest mid-way: it stops, and the document never appears.
  await addFiles(page, [{ name: 'archive.md', mimeType: 'text/markdown', buffer: Buffer.from(big) }]);
  await expect(task(page, 'archive.md')).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await task(page, 'archive.md').locator('[data-action="cancel-ingest"]').click();
  await expect(task(page, 'archive.md')).toHaveAttribute('data-state', 'cancelled');
  await expect(task(page, 'archive.md').locator('[data-testid="ingest-status"]')).toHaveText('Cancelled');
  await expect(documents).toHaveCount(2);

  // Refusals in words, with the file name: an encrypted PDF, and a type that cannot be read.
  await addFiles(page, [
    {
      name: 'encrypted.pdf',
      mimeType: 'application/pdf',
      buffer: readFileSync('tests/fixtures/pdf/encrypted.pdf'),
    },
    { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
  ]);
  const encrypted = task(page, 'encrypted.pdf').locator('[role="alert"]');
  await expect(encrypted).toHaveAttribute('data-code', 'RAG_PDF_ENCRYPTED');
  await expect(encrypted).toContainText(/^\s*encrypted\.pdf: .*password/i);
  await expect(task(page, 'photo.png').locator('[role="alert"]')).toHaveAttribute(
    'data-code',
    'RAG_UNSUPPORTED_TYPE',
  );

  // Delete a document.
  await view(page).locator('[data-action="delete-document"][aria-label="Delete notes.md"]').click();
  await expect(documents).toHaveCount(1);
  await expect(documents).toHaveAttribute('data-title', 'guide.pdf');

  // Accessibility in both themes and at 360 px, where nothing is wider than the window.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoSeriousViolations(page);
  }
  await page.setViewportSize({ width: 360, height: 780 });
  await page.emulateMedia({ colorScheme: 'light' });
  await expectNoSeriousViolations(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.screenshot({ path: 'docs/screenshots/documents-360.png' });

  // Delete the collection (confirmed).
  await view(page).locator('[data-action="delete-collection"]').click();
  await view(page).locator('[data-action="confirm-delete"]').click();
  await expect(view(page).locator('#collection')).toHaveCount(0);
  expect(errors).toEqual([]);
});
