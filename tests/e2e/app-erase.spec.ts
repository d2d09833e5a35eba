import { expect, test, type Page } from '@playwright/test';
import { app, ask, expectFitsWindow } from './support/app.ts';
import { expectNoSeriousViolations } from './support/axe.ts';
import { ingestInto, markdownNote } from './support/documents.ts';

// "Delete all my data" on the production build: data of every kind is made (a conversation with
// the demo model, which also keeps the model's files in OPFS; an ingested document; adapter files,
// a key and a cached file as the Adapters and Models views keep them; the theme), the Device view
// erases it behind a confirm dialog, and afterwards the site's storage is what a new profile has
// after the same page load, and the app answers again.

interface Snapshot {
  databases: Record<string, Record<string, number>>;
  files: string[];
  caches: Record<string, number>;
  localStorage: string[];
}

/** In the page: every IndexedDB database with its record counts, every OPFS file, every cache. */
async function storageSnapshot(): Promise<Snapshot> {
  const databases: Snapshot['databases'] = {};
  for (const { name } of await indexedDB.databases()) {
    if (!name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const counts: Record<string, number> = {};
    for (const store of Array.from(db.objectStoreNames)) {
      counts[store] = await new Promise<number>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).count();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    db.close();
    databases[name] = counts;
  }
  const files: string[] = [];
  type Dir = FileSystemDirectoryHandle & {
    entries(): AsyncIterable<[string, FileSystemDirectoryHandle | FileSystemFileHandle]>;
  };
  const walk = async (dir: Dir, prefix: string): Promise<void> => {
    for await (const [name, handle] of dir.entries()) {
      if (handle.kind === 'directory') await walk(handle as Dir, `${prefix}${name}/`);
      else files.push(`${prefix}${name}`);
    }
  };
  await walk((await navigator.storage.getDirectory()) as Dir, '');
  const cached: Snapshot['caches'] = {};
  // The app's own offline copy (the service worker's precache) is the app, not data kept by it.
  for (const name of await caches.keys())
    if (!name.startsWith('workbox-precache')) cached[name] = (await (await caches.open(name)).keys()).length;
  return { databases, files: files.sort(), caches: cached, localStorage: Object.keys(localStorage).sort() };
}

/** In the page: what the Adapters and Models views keep, made as they keep it. */
async function seedAdapterKeyAndCache(): Promise<void> {
  const root = await navigator.storage.getDirectory();
  const adapter = await (
    await root.getDirectoryHandle('hearth-adapters', { create: true })
  ).getDirectoryHandle('greeter@1', { create: true });
  const file = await (await adapter.getFileHandle('adapter_config.json', { create: true })).createWritable();
  await file.write('{"r": 8}');
  await file.close();
  await new Promise<void>((resolve, reject) => {
    const request = indexedDB.open('hearth-settings', 1);
    request.onupgradeneeded = () => request.result.createObjectStore('keys');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const tx = request.result.transaction('keys', 'readwrite');
      tx.objectStore('keys').put('hk_training_0123456789', 'training');
      tx.oncomplete = () => {
        request.result.close();
        resolve();
      };
    };
  });
  await (await caches.open('hearth-models')).put('/models/example/config.json', new Response('{}'));
}

/** A snapshot taken once the page has stopped changing its storage (two equal ones, 300 ms apart). */
async function settledSnapshot(page: Page): Promise<Snapshot> {
  let previous = await page.evaluate(storageSnapshot);
  for (;;) {
    await page.waitForTimeout(300);
    const next = await page.evaluate(storageSnapshot);
    if (JSON.stringify(next) === JSON.stringify(previous)) return next;
    previous = next;
  }
}

test('delete all my data: every store emptied behind a confirm dialog, the app as on a new profile', async ({
  browser,
  page,
}) => {
  // What a new profile holds once the Device view has loaded.
  const freshContext = await browser.newContext();
  const fresh = await freshContext.newPage();
  await fresh.goto(`${app}#/device`);
  await expect(fresh.locator('hearth-device-panel')).toBeVisible();
  await expect(fresh.locator('#message')).toBeAttached();
  const freshStorage = await settledSnapshot(fresh);
  await freshContext.close();

  // Data of every kind.
  await page.goto(app);
  await ask(page, 'Remember that my cat is called Miso.');
  await page.goto(`${app}#/documents`);
  await ingestInto(page, 'Notes', [markdownNote('# Notes\n\nThe spare key is under the blue flower pot.\n')]);
  await page.evaluate(seedAdapterKeyAndCache);
  while (!(await page.locator('[data-action="theme"]').getAttribute('aria-label'))?.includes('Dark'))
    await page.locator('[data-action="theme"]').click();

  const before = await page.evaluate(storageSnapshot);
  expect(before.databases['hearth-chat']?.conversations).toBe(1);
  expect(before.databases['hearth-settings']?.keys).toBe(1);
  const ragRecords = Object.entries(before.databases).filter(([name]) => !freshStorage.databases[name]);
  expect(ragRecords.length, 'a database holds the documents').toBeGreaterThan(0);
  expect(before.files.some((f) => f.startsWith('hearth-models/') && f.endsWith('.onnx'))).toBe(true);
  expect(before.files).toContain('hearth-adapters/greeter@1/adapter_config.json');
  expect(before.caches['hearth-models']).toBe(1);
  expect(before.localStorage).toContain('hearth:theme');

  // The confirm dialog: axe in both themes at 360 px; Esc and Cancel keep everything.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${app}#/device`);
  const dialog = page.locator('hearth-erase-dialog dialog');
  for (const theme of ['Dark', 'Light']) {
    while (!(await page.locator('[data-action="theme"]').getAttribute('aria-label'))?.includes(theme))
      await page.locator('[data-action="theme"]').click();
    await page.locator('[data-action="erase"]').click();
    await expect(dialog).toBeVisible();
    await expect(dialog.locator('[data-action="cancel-erase"]')).toBeFocused();
    await expectNoSeriousViolations(page, theme);
    await expectFitsWindow(page);
    await page.keyboard.press(theme === 'Dark' ? 'Escape' : 'Enter'); // Enter on the focused Cancel
    await expect(dialog).toBeHidden();
  }
  expect((await page.evaluate(storageSnapshot)).databases['hearth-chat']?.conversations).toBe(1);

  // Delete everything: the page reloads, erases first, and says so.
  await page.locator('[data-action="erase"]').click();
  await dialog.locator('[data-action="confirm-erase"]').click();
  await expect(page.locator('[data-testid="erase-outcome"]')).toHaveText(
    /Everything Hearth kept on this device was deleted/,
  );
  await expect(page.locator('html')).not.toHaveAttribute('data-theme');
  expect(await settledSnapshot(page)).toEqual(freshStorage);

  // After a reload the app works: no chats listed, and the model (downloaded again) answers.
  await page.reload();
  await expect(page.locator('[data-testid="erase-outcome"]')).toHaveCount(0);
  await page.goto(app);
  await expect(page.locator('hearth-conversation-list li')).toHaveCount(0);
  await ask(page, 'Hello again.');
  const after = await page.evaluate(storageSnapshot);
  expect(after.databases['hearth-chat']?.conversations).toBe(1);
  expect(after.files.some((f) => f.startsWith('hearth-models/') && f.endsWith('.onnx'))).toBe(true);
  // The service worker went with the rest; the next visit stored the app for offline use again.
  const precached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const name = (await caches.keys()).find((key) => key.startsWith('workbox-precache'));
    return name ? (await (await caches.open(name)).keys()).length : 0;
  });
  expect(precached).toBeGreaterThan(0);
});
