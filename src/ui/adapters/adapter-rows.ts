import type { AdapterManifest, AdapterSync, SyncFailure } from '../../runtime/index.ts';

/** One line of the adapter table: a version on the server, on this device, or both. */
export interface AdapterRow {
  id: string;
  name: string;
  version: number;
  bytes: number;
  baseModel: string;
  status: 'in-use' | 'stored' | 'on-server' | 'failed';
  /** For `failed`: what went wrong, in words. */
  problem?: string;
}

/** Server versions (when reachable) and stored ones, newest first; the last sync's failures marked. */
export function adapterRows(
  sync: AdapterSync,
  remote: readonly AdapterManifest[],
  failures: readonly SyncFailure[],
): AdapterRow[] {
  const current = new Set(Object.values(sync.currentAll()));
  const stored = new Set(sync.stored().map((m) => m.id));
  const byId = new Map<string, AdapterManifest>();
  for (const manifest of [...sync.stored(), ...remote]) byId.set(manifest.id, manifest);
  return [...byId.values()]
    .sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version)
    .map((m) => {
      const failure = failures.find((f) => f.ref === m.id);
      return {
        id: m.id,
        name: m.name,
        version: m.version,
        bytes: m.files.reduce((sum, file) => sum + file.size, 0),
        baseModel: m.base_model,
        status: current.has(m.id) ? 'in-use' : failure ? 'failed' : stored.has(m.id) ? 'stored' : 'on-server',
        ...(failure ? { problem: `${failure.message} (${failure.code})` } : {}),
      };
    });
}

export const statusLabels: Record<AdapterRow['status'], string> = {
  'in-use': 'On this device, ready',
  stored: 'On this device',
  'on-server': 'On the server (sync to download)',
  failed: 'Failed',
};
