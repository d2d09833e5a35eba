import type { EraseOutcome } from './erase-data.ts';

/*
 * "Delete all my data" runs on the next page load, before any view opens a database, a model
 * file or a worker: nothing then holds a connection that would block `deleteDatabase` or keep a
 * file open. These keys live in sessionStorage, so only this tab erases, and only once.
 */
const REQUEST_KEY = 'hearth:erase-requested';
const OUTCOME_KEY = 'hearth:erase-outcome';

/** Asks for everything to be erased and reloads the page, which erases before anything else. */
export function requestErase(): void {
  sessionStorage.setItem(REQUEST_KEY, '1');
  location.reload();
}

let erasedNow = false;

/** Called first thing on load: erases when asked to, and keeps the outcome for the Device view. */
export async function eraseIfRequested(): Promise<void> {
  if (!sessionStorage.getItem(REQUEST_KEY)) return;
  const { eraseAllData } = await import('./erase-data.ts');
  const outcome = await eraseAllData();
  sessionStorage.setItem(OUTCOME_KEY, JSON.stringify(outcome));
  erasedNow = true;
}

/**
 * Whether this load erased everything, the service worker included. Its registration goes away only
 * once this page is gone; registering again now would revive it with its precache deleted, so the
 * offline copy is stored anew on the next visit instead.
 */
export function erasedOnThisLoad(): boolean {
  return erasedNow;
}

/** The outcome of an erase on this load, read once (a later reload shows nothing). */
export function takeEraseOutcome(): EraseOutcome | undefined {
  const text = sessionStorage.getItem(OUTCOME_KEY);
  if (!text) return undefined;
  sessionStorage.removeItem(OUTCOME_KEY);
  return JSON.parse(text) as EraseOutcome;
}
