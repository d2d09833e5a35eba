import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import pins from '../../../src/models/demo-pins.json' with { type: 'json' };

const root = resolve(import.meta.dirname, '../../../public/models');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

// Fails when the fixtures were regenerated without `npx tsx scripts/pin-demo-models.ts`.
describe('demo model pins', () => {
  for (const [id, pinned] of Object.entries(pins)) {
    it(`${id} pins match the files in public/models`, () => {
      const base = join(root, id, 'resolve', pinned.revision);
      const onDisk = filesUnder(base)
        .map((file) => {
          const bytes = readFileSync(file);
          return {
            path: relative(base, file).split(sep).join('/'),
            size: bytes.byteLength,
            sha256: createHash('sha256').update(bytes).digest('hex'),
          };
        })
        .sort((a, b) => a.path.localeCompare(b.path));
      expect([...pinned.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual(onDisk);
    });
  }
});
