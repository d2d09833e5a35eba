import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import { reportOutdatedTab } from '../shell/outdated-tab.ts';

/**
 * The fine-tuning server's URL and the browser's key, kept in IndexedDB apart from conversations: no export
 * reads this database, so a key never leaves the device inside a shared chat file.
 */
export const fineTuningSettingsSchema = z.object({
  baseUrl: z
    .string()
    .trim()
    .url('enter the server address, e.g. http://127.0.0.1:8787')
    .refine((url) => /^https?:\/\//.test(url), 'the address must start with http:// or https://'),
  apiKey: z.string().trim().min(16, 'paste the whole key (npm start prints it)'),
});
export type FineTuningSettings = z.infer<typeof fineTuningSettingsSchema>;

interface SettingsDb extends DBSchema {
  settings: { key: string; value: FineTuningSettings };
}

const RECORD = 'fine-tuning';

export class FineTuningSettingsStore {
  private db: Promise<IDBPDatabase<SettingsDb>> | undefined;

  constructor(private readonly name = 'hearth-keys') {}

  private open(): Promise<IDBPDatabase<SettingsDb>> {
    return (this.db ??= openDB<SettingsDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('settings');
      },
      // A newer version opens the database in another tab: let its upgrade go ahead, and say so here.
      blocking: () => {
        void this.db?.then((db) => db.close());
        reportOutdatedTab(this.name);
      },
    }));
  }

  /** The saved settings; else what `npm start` handed the dev server (its own loopback server); else null. */
  async get(): Promise<FineTuningSettings | null> {
    const saved = fineTuningSettingsSchema.safeParse(await (await this.open()).get('settings', RECORD));
    if (saved.success) return saved.data;
    const given = fineTuningSettingsSchema.safeParse({
      baseUrl: import.meta.env.VITE_HEARTH_API_BASE,
      apiKey: import.meta.env.VITE_HEARTH_BROWSER_KEY,
    });
    return given.success ? given.data : null;
  }

  async put(settings: FineTuningSettings): Promise<void> {
    await (await this.open()).put('settings', fineTuningSettingsSchema.parse(settings), RECORD);
  }

  async clear(): Promise<void> {
    await (await this.open()).delete('settings', RECORD);
  }
}
