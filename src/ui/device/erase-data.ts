/**
 * Everything Hearth keeps in this browser, erased: every IndexedDB database of this site
 * (conversations, documents and their vectors, adapter records, keys), the whole origin-private
 * file system (models, adapters), Cache Storage (models where OPFS is missing), service workers,
 * localStorage and sessionStorage (theme, choices). It walks what the browser lists rather than a
 * list of our names, so a store added later is erased too.
 */
export interface EraseOutcome {
  databases: number;
  files: number;
  caches: number;
  /** What could not be erased, in words, with what to do. Empty when everything went. */
  problems: string[];
}

/** How long a database deletion may wait on another tab that keeps it open. */
const BLOCKED_WAIT_MS = 5_000;

type IterableDirectory = FileSystemDirectoryHandle & {
  keys(): AsyncIterableIterator<string>;
};

export async function eraseAllData(): Promise<EraseOutcome> {
  const outcome: EraseOutcome = { databases: 0, files: 0, caches: 0, problems: [] };
  await Promise.all([
    eraseDatabases(outcome),
    eraseFiles(outcome),
    eraseCaches(outcome),
    unregisterServiceWorkers(outcome),
  ]);
  localStorage.clear();
  sessionStorage.clear();
  return outcome;
}

async function eraseDatabases(outcome: EraseOutcome): Promise<void> {
  const databases = await indexedDB.databases();
  await Promise.all(
    databases.map(async ({ name }) => {
      if (!name) return;
      const result = await deleteDatabase(name);
      if (result === 'deleted') outcome.databases++;
      else outcome.problems.push(result);
    }),
  );
}

function deleteDatabase(name: string): Promise<'deleted' | string> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    let timer: ReturnType<typeof setTimeout> | undefined;
    request.onsuccess = () => {
      clearTimeout(timer);
      resolve('deleted');
    };
    request.onerror = () => {
      clearTimeout(timer);
      resolve(`The database "${name}" could not be deleted (${request.error?.message ?? 'unknown error'}).`);
    };
    // Another tab of this site has the database open; the deletion finishes once that tab closes.
    request.onblocked = () => {
      timer = setTimeout(
        () =>
          resolve(
            `The database "${name}" is still open in another tab of this site: close that tab, and it is deleted then.`,
          ),
        BLOCKED_WAIT_MS,
      );
    };
  });
}

async function eraseFiles(outcome: EraseOutcome): Promise<void> {
  if (typeof navigator.storage?.getDirectory !== 'function') return;
  let root: FileSystemDirectoryHandle;
  try {
    root = await navigator.storage.getDirectory();
  } catch {
    return; // no origin-private file system in this context (a private window, say): nothing kept there
  }
  const names: string[] = [];
  for await (const name of (root as IterableDirectory).keys()) names.push(name);
  for (const name of names) {
    try {
      await root.removeEntry(name, { recursive: true });
      outcome.files++;
    } catch (error) {
      outcome.problems.push(
        `"${name}" in this site's file storage could not be deleted (${(error as Error).message}). Close this site's other tabs and delete again.`,
      );
    }
  }
}

async function eraseCaches(outcome: EraseOutcome): Promise<void> {
  if (typeof caches === 'undefined') return;
  for (const name of await caches.keys()) {
    if (await caches.delete(name)) outcome.caches++;
    else outcome.problems.push(`The cache "${name}" could not be deleted. Delete again.`);
  }
}

async function unregisterServiceWorkers(outcome: EraseOutcome): Promise<void> {
  if (!navigator.serviceWorker) return;
  for (const registration of await navigator.serviceWorker.getRegistrations()) {
    if (!(await registration.unregister()))
      outcome.problems.push('The offline copy of the app could not be removed. Delete again.');
  }
}
