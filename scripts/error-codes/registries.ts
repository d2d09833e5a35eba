import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '../..');

/** Where modules declare their codes: every `errors.ts` under src/, and the server's. */
export const REGISTRY_ROOTS = ['src', 'server'];

export interface ErrorRegistry {
  /** The registry file, relative to the repository root. */
  file: string;
  /** code -> what the user does about it */
  codes: Record<string, string>;
}

function errorFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : errorFiles(relative);
    return entry.name === 'errors.ts' ? [relative] : [];
  });
}

/** Every registry: each `errors.ts` that exports a `*_ERROR_CODES` object. */
export async function loadErrorRegistries(): Promise<ErrorRegistry[]> {
  const registries: ErrorRegistry[] = [];
  for (const file of REGISTRY_ROOTS.flatMap(errorFiles).sort()) {
    const module = (await import(pathToFileURL(path.join(root, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (name.endsWith('_ERROR_CODES')) registries.push({ file, codes: value as Record<string, string> });
    }
  }
  return registries;
}

export const ERROR_TABLE_BEGIN = '<!-- error-codes:begin (generated from the *_ERROR_CODES registries) -->';
export const ERROR_TABLE_END = '<!-- error-codes:end -->';

/** The README's table of codes, before Prettier aligns its columns. */
export function renderErrorTable(registries: ErrorRegistry[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rows = registries.flatMap(({ file, codes }) =>
    Object.entries(codes).map(
      ([code, todo]) => `| \`${code}\` | \`${path.posix.dirname(file)}\` | ${cell(todo)} |`,
    ),
  );
  return [
    ERROR_TABLE_BEGIN,
    '',
    '| code | from | what to do |',
    '| --- | --- | --- |',
    ...rows,
    '',
    ERROR_TABLE_END,
  ].join('\n');
}

/** The rows of the README's table: code -> [from, what to do]. */
export function readErrorTable(readme: string): Map<string, [string, string]> {
  const begin = readme.indexOf(ERROR_TABLE_BEGIN);
  const end = readme.indexOf(ERROR_TABLE_END);
  if (begin < 0 || end < begin) throw new Error('README.md has no error-codes section markers');
  const rows = new Map<string, [string, string]>();
  for (const line of readme.slice(begin, end).split('\n')) {
    const match = /^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*(.*?)\s*\|$/.exec(line);
    if (match) rows.set(match[1]!, [match[2]!, match[3]!.replaceAll('\\|', '|')]);
  }
  return rows;
}
