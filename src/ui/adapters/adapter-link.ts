import { HearthError } from '../../core/errors.ts';
import type { AdapterSync, Hearth } from '../../runtime/index.ts';
import { getHearth } from '../hearth-instance.ts';
import { FineTuningSettingsStore, type FineTuningSettings } from './fine-tuning-settings.ts';

/**
 * The app's one adapter sync, opened with the settings the user saved, and what a chat request needs from it:
 * the adapter name a conversation chose, resolved to the version on this device and loaded in the engine.
 * Only types come from the runtime here: the chat view imports this file, and the runtime loads lazily.
 */
export const fineTuningSettings = new FineTuningSettingsStore();

/** `change` fires whenever the adapters on this device may have changed (sync, new settings). */
export const adapterEvents = new EventTarget();

let opened: { sync: Promise<AdapterSync>; settings: string } | undefined;

/** The sync for the saved settings, or null when none are saved; reopened when the settings change. */
export async function openAdapterSync(options: { reopen?: boolean } = {}): Promise<AdapterSync | null> {
  const settings = await fineTuningSettings.get();
  if (!settings) return null;
  const key = JSON.stringify(settings);
  if (!opened || opened.settings !== key || options.reopen) {
    const hearth = await getHearth();
    const sync = hearth.adapters(settings);
    opened = { sync, settings: key };
    sync.catch(() => (opened = undefined));
  }
  return opened.sync;
}

export async function saveFineTuningSettings(settings: FineTuningSettings): Promise<void> {
  await fineTuningSettings.put(settings);
  opened = undefined;
  adapterEvents.dispatchEvent(new Event('change'));
}

const USABLE_KEY = 'hearth:adapters:usable';

/**
 * The adapter names a conversation can choose (a version of each is ready on this device), as last seen by
 * a sync: read without opening one, because opening hands the stored adapters to the engine, which loads
 * the model, and the chat view must not do that just to draw its picker.
 */
export function knownAdapters(): string[] {
  try {
    const names: unknown = JSON.parse(localStorage.getItem(USABLE_KEY) ?? '[]');
    return Array.isArray(names) ? names.filter((name): name is string => typeof name === 'string') : [];
  } catch {
    return [];
  }
}

/** Records what `sync` has ready, for `knownAdapters`, and tells the pickers. */
export function noteUsableAdapters(sync: AdapterSync | null): void {
  const names = sync ? Object.keys(sync.currentAll()) : [];
  localStorage.setItem(USABLE_KEY, JSON.stringify(names));
  adapterEvents.dispatchEvent(new Event('change'));
}

/**
 * What the engine must get for a conversation's adapter name: its current `name@version`, loaded. A model
 * (re)load drops the engine's adapters, so a missing one is handed over again from the device's store.
 */
export async function adapterRefFor(name: string, hearth?: Hearth): Promise<string> {
  const sync = await openAdapterSync();
  if (!sync)
    throw new HearthError(
      'ADAPTER_NOT_FOUND',
      `This chat uses the adapter '${name}', but no fine-tuning server is set: open Adapters and enter its URL and key, or choose "No adapter".`,
    );
  const ref = sync.resolve(name);
  const loaded = await (hearth ?? (await getHearth())).chat.adapters.list();
  if (loaded.some((adapter) => adapter.ref === ref)) return ref;
  return (await openAdapterSync({ reopen: true }))!.resolve(name);
}
