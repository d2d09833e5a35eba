/**
 * The browser's offer to install the app (`beforeinstallprompt`, Chromium), kept from the moment the
 * page starts — it may fire before the shell has rendered — until the person uses it.
 */
export interface InstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  userChoice?: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

let offer: InstallPromptEvent | undefined;
const listeners = new Set<() => void>();

/** Called first thing on load (src/main.ts). */
export function watchInstallPrompt(): void {
  addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault(); // the app shows its own button instead of the browser's mini bar
    offer = event as InstallPromptEvent;
    listeners.forEach((listener) => listener());
  });
  addEventListener('appinstalled', () => {
    offer = undefined;
    listeners.forEach((listener) => listener());
  });
}

export function installOffered(): boolean {
  return offer !== undefined;
}

export function onInstallOfferChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Shows the browser's install dialog; an offer is good for one prompt. */
export async function promptInstall(): Promise<void> {
  const shown = offer;
  offer = undefined;
  listeners.forEach((listener) => listener());
  await shown?.prompt();
}
