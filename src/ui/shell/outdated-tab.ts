/**
 * A newer version of Hearth opened one of this site's databases with a newer schema, in another tab.
 * This tab has closed its connection (so the upgrade there goes ahead) and must be reloaded; the
 * app shell tells the person so. Stores call `reportOutdatedTab`, the shell listens.
 */
export const OUTDATED_TAB_EVENT = 'hearth:outdated-tab';

export function reportOutdatedTab(database: string): void {
  dispatchEvent(new CustomEvent(OUTDATED_TAB_EVENT, { detail: { database } }));
}
