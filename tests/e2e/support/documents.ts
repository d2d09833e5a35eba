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

type FileToAdd = { name: string; mimeType: string; buffer: Buffer };

/** In the Documents view (open): a new collection `name` with `files`, each ingested to the end. */
export async function ingestInto(page: Page, name: string, files: FileToAdd[]): Promise<void> {
  const view = documentsView(page);
  await view.locator('#collection-name').fill(name);
  await view.locator('#collection-name').press('Enter');
  await view.locator('#file-input').setInputFiles(files);
  for (const { name: file } of files)
    await expect(view.locator(`[data-testid="ingest-task"][data-file="${file}"]`)).toHaveAttribute(
      'data-state',
      'done',
      { timeout: 60_000 },
    );
}

/** A Markdown file notes.md with `text`. */
export const markdownNote = (text: string): FileToAdd => ({
  name: 'notes.md',
  mimeType: 'text/markdown',
  buffer: Buffer.from(text),
});

/** A collection `name` with `orchardNotes` as notes.md and the three-page PDF fixture as guide.pdf. */
export function ingestHandbook(page: Page, name = 'Handbook'): Promise<void> {
  return ingestInto(page, name, [
    markdownNote(orchardNotes),
    { name: 'guide.pdf', mimeType: 'application/pdf', buffer: readFileSync('tests/fixtures/pdf/guide.pdf') },
  ]);
}
