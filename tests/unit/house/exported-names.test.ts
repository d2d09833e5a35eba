import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

// Declarations only: `export { X } from` and `export type { X }` pass on one thing under its name.
const DECLARATION =
  /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|const|let|enum)\s+([A-Za-z_$][\w$]*)/gm;

// Names that are two things today while another change removes one of them.
const KNOWN: Record<string, string> = {
  requestPersistence: 'src/runtime/rag.ts keeps its own until the runtime uses the models one',
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

describe('one name, one thing', () => {
  it('no two files of src/ and workers/ export a declaration of the same name', () => {
    const declaredIn = new Map<string, Set<string>>();
    for (const file of [...sourceFiles('src'), ...sourceFiles('workers')]) {
      for (const match of fs.readFileSync(path.join(root, file), 'utf8').matchAll(DECLARATION)) {
        declaredIn.set(match[1]!, (declaredIn.get(match[1]!) ?? new Set()).add(file));
      }
    }
    expect(declaredIn.size).toBeGreaterThan(200);
    const duplicates = [...declaredIn]
      .filter(([name, files]) => files.size > 1 && !(name in KNOWN))
      .map(([name, files]) => `${name}: ${[...files].join(', ')}`);
    expect(duplicates).toEqual([]);
  });
});
