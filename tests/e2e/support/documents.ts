import { readFileSync } from 'node:fs';
import { expect, type Page } from '@playwright/test';

/** The Documents view, and the passage dialog a citation opens in it. */
export const documentsView = (page: Page) => page.locator('hearth-documents-view');
export const passageMark = (page: Page) => documentsView(page).locator('hearth-passage-dialog mark');

/** A Markdown note whose "Hives" section answers a question about the honey harvest. */
export const orchardNotes = `# Orchard log

## Hives

Four hives stand under the walnut tree. Every May the keeper weighs each hive and notes the honey
harvest in the blue notebook.

## Pruning

The apple trees are pruned in February, before the sap rises, and the cuttings go to the compost.
`;

/**
 * In the Documents view (open): a new collection `name` with `orchardNotes` as notes.md and the three-page
 * PDF fixture as guide.pdf, each ingested to the end.
 */
export async function ingestHandbook(page: Page, name = 'Handbook'): Promise<void> {
  const view = documentsView(page);
  await view.locator('#collection-name').fill(name);
  await view.locator('#collection-name').press('Enter');
  await view.locator('#file-input').setInputFiles([
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from(orchardNotes) },
    { name: 'guide.pdf', mimeType: 'application/pdf', buffer: readFileSync('tests/fixtures/pdf/guide.pdf') },
  ]);
  for (const file of ['notes.md', 'guide.pdf'])
    await expect(view.locator(`[data-testid="ingest-task"][data-file="${file}"]`)).toHaveAttribute(
      'data-state',
      'done',
      { timeout: 60_000 },
    );
}
