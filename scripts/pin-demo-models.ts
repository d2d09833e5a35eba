/**
 * Pins the bundled demo models: writes the size and SHA-256 of every file under
 * public/models/hearth-demo/<name>/resolve/main into src/models/demo-pins.json, which the catalog
 * imports. Run after regenerating the fixtures: `npx tsx scripts/pin-demo-models.ts`.
 * tests/unit/models/demo-pins.test.ts fails when pins and files disagree.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..');
const modelsRoot = join(repoRoot, 'public/models');
const owner = 'hearth-demo';
const revision = 'main';

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? listFiles(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat();
}

const pins: Record<string, { revision: string; files: { path: string; size: number; sha256: string }[] }> =
  {};
for (const name of (await readdir(join(modelsRoot, owner))).sort()) {
  const base = join(modelsRoot, owner, name, 'resolve', revision);
  const files = [];
  for (const file of (await listFiles(base)).sort()) {
    const bytes = await readFile(file);
    files.push({
      path: relative(base, file).split(sep).join('/'),
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }
  pins[`${owner}/${name}`] = { revision, files };
}

const out = join(repoRoot, 'src/models/demo-pins.json');
await writeFile(out, `${JSON.stringify(pins, null, 2)}\n`);
console.log(`pinned ${Object.keys(pins).join(', ')} -> ${relative(repoRoot, out)}`);
