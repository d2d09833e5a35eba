import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadErrorRegistries,
  readErrorTable,
  REGISTRY_ROOTS,
} from '../../../scripts/error-codes/registries.ts';

const root = path.resolve(import.meta.dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative] : [];
  });
}

describe('the closed list of error codes', async () => {
  const registries = await loadErrorRegistries();
  const declared = new Map<string, string[]>();
  for (const { file, codes } of registries) {
    for (const code of Object.keys(codes)) declared.set(code, [...(declared.get(code) ?? []), file]);
  }

  it('has a registry in every module that throws its own codes', () => {
    expect(registries.map((registry) => registry.file)).toEqual(
      expect.arrayContaining([
        'src/core/errors.ts',
        'src/rag/errors.ts',
        'src/sync/errors.ts',
        'server/errors.ts',
      ]),
    );
  });

  it('declares each code once, with a text that says what to do', () => {
    expect([...declared].filter(([, files]) => files.length > 1)).toEqual([]);
    for (const { codes } of registries) {
      for (const [code, todo] of Object.entries(codes)) expect(todo.length, code).toBeGreaterThan(20);
    }
  });

  it('is the table in the README (npx tsx scripts/error-codes/write-readme.ts rewrites it)', () => {
    const table = readErrorTable(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
    const expected = new Map(
      registries.flatMap(({ file, codes }) =>
        Object.entries(codes).map(([code, todo]) => [code, [path.posix.dirname(file), todo]] as const),
      ),
    );
    expect(Object.fromEntries(table)).toEqual(Object.fromEntries(expected));
  });

  // tsc already refuses an unregistered code; this also catches code the compiler does not see.
  it('covers every code thrown with `new HearthError(...)` in src/ and server/', () => {
    const thrown = new Map<string, string>();
    for (const file of REGISTRY_ROOTS.flatMap(sourceFiles)) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const match of text.matchAll(/new HearthError\(\s*'([^']+)'/g)) thrown.set(match[1]!, file);
    }
    expect(thrown.size).toBeGreaterThan(10);
    expect([...thrown].filter(([code]) => !declared.has(code))).toEqual([]);
  });

  it('lists no code that nothing throws', () => {
    // Registries name their codes as bare keys; a use is the quoted string.
    const text = REGISTRY_ROOTS.flatMap(sourceFiles)
      .map((file) => fs.readFileSync(path.join(root, file), 'utf8'))
      .join('\n');
    // The server's notFound('model', id) builds `model_not_found`: a use of that code too.
    const built = new Set([...text.matchAll(/notFound\(\s*'([a-z_]+)'/g)].map((m) => `${m[1]}_not_found`));
    const unused = [...declared.keys()].filter((code) => !text.includes(`'${code}'`) && !built.has(code));
    expect(unused).toEqual([]);
  });
});
