import { expect, test, type Page } from '@playwright/test';

// A newer version of Hearth upgrades the IndexedDB schema while a tab of the current one is open,
// on the production build. The newer version's first open is played by a plain page of the same
// site opening each database at the next version, as a newer build's store would. The old tab must
// let the upgrade through at once (a blocked upgrade waits until every old tab closes), be told to
// reload, and lose nothing: what it had written is there, and what it writes afterwards is kept
// for the newer version (its own store writes that in: tests/unit/ui/conversation-store.test.ts).
const previewPort = Number(process.env.E2E_PREVIEW_PORT ?? 5198);
const app = `http://127.0.0.1:${previewPort}/`;

const lastAnswer = (page: Page) => page.locator('hearth-chat-message:not([role-user])').last();

async function ask(page: Page, text: string) {
  await page.locator('#message').fill(text);
  await page.locator('#message').press('Enter');
  await expect(lastAnswer(page).locator('[data-testid="answer-stats"]')).toBeVisible({ timeout: 90_000 });
}

/** In a page of the site: opens every database one version up (a newer build's upgrade) and counts its records. */
async function upgradeAll(): Promise<
  Record<string, { from: number; to: number; records: Record<string, number> }>
> {
  const found: Record<string, { from: number; to: number; records: Record<string, number> }> = {};
  for (const { name, version } of await indexedDB.databases()) {
    if (!name || !version) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, version + 1);
      // The newer build's step: an index on the first store, which keeps every record.
      request.onupgradeneeded = () => {
        const store = request.transaction!.objectStore(request.result.objectStoreNames[0]!);
        store.createIndex(`added-in-${version + 1}`, store.keyPath ?? 'id');
      };
      request.onblocked = () => reject(new Error(`${name}: the upgrade is blocked by an open tab`));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const records: Record<string, number> = {};
    for (const store of Array.from(db.objectStoreNames)) {
      records[store] = await new Promise<number>((resolve) => {
        const count = db.transaction(store).objectStore(store).count();
        count.onsuccess = () => resolve(count.result);
      });
    }
    db.close();
    found[name] = { from: version, to: version + 1, records };
  }
  return found;
}

test('a schema upgrade by a newer version: the old tab lets it through, is told to reload, and nothing is lost', async ({
  context,
}) => {
  const old = await context.newPage();
  await old.goto(app);
  await ask(old, 'Remember that the spare key is under the blue pot.');
  const chat = old.url();
  await old.goto(`${app}#/documents`);
  const documents = old.locator('hearth-documents-view');
  await documents.locator('#collection-name').fill('Notes');
  await documents.locator('#collection-name').press('Enter');
  await documents.locator('#file-input').setInputFiles({
    name: 'notes.md',
    mimeType: 'text/markdown',
    buffer: Buffer.from('# Notes\n\nThe pot is blue.\n'),
  });
  await expect(documents.locator('[data-testid="ingest-task"][data-file="notes.md"]')).toHaveAttribute(
    'data-state',
    'done',
    { timeout: 60_000 },
  );
  await expect(old.locator('[data-testid="outdated-tab"]')).toHaveCount(0);

  // The newer version opens the databases: no upgrade is blocked, and every record is there.
  const newer = await context.newPage();
  await newer.goto(`${app}manifest.webmanifest`);
  const upgraded = await newer.evaluate(upgradeAll);
  expect(upgraded['hearth-chat']?.records.conversations).toBe(1);
  const rag = Object.entries(upgraded).find(([, db]) => 'documents' in db.records);
  expect(rag, 'the documents database').toBeDefined();
  expect(rag![1].records.documents).toBe(1);
  expect(rag![1].records.chunks).toBeGreaterThan(0);

  // The old tab is told, with the way forward.
  const notice = old.locator('[data-testid="outdated-tab"]');
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('role', 'alert');
  await expect(notice).toContainText('Reload this tab');
  await expect(notice.locator('[data-action="reload"]')).toBeVisible();

  // What the old tab writes now cannot go into the upgraded database; it is kept for the newer version.
  await old.goto(chat);
  await ask(old, 'And the bicycle is in the shed.');
  const kept = await old.evaluate(() =>
    JSON.parse(localStorage.getItem('hearth:unsaved-conversations') ?? '[]'),
  );
  expect(kept).toHaveLength(1);
  const contents = (kept[0].messages as Array<{ content: string }>).map((m) => m.content);
  expect(contents).toContain('Remember that the spare key is under the blue pot.');
  expect(contents).toContain('And the bicycle is in the shed.');
});
