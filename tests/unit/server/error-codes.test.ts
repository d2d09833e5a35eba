// The server's codes are declared once: the README's table is that list, and every throw uses a listed code.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_ERROR_CODES } from '../../../server/errors.ts';
import { REPO } from './helpers.ts';

describe('server error codes', () => {
  it('are the README table, code for code and text for text', () => {
    const readme = fs.readFileSync(path.join(REPO, 'server/README.md'), 'utf8');
    const section = readme.split('## Error codes')[1]!.split('\n## ')[0]!;
    const rows = [...section.matchAll(/^\| `([^`]+)` +\| (.+?) +\|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(rows)).toEqual(SERVER_ERROR_CODES);
  });

  it('are the only codes thrown under server/', () => {
    const files = fs
      .readdirSync(path.join(REPO, 'server'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts'));
    const used = new Set<string>();
    for (const file of files) {
      const text = fs.readFileSync(path.join(REPO, 'server', file), 'utf8');
      for (const match of text.matchAll(/(?:new HttpError\(\s*\d+,\s*|serverError\(\s*)'([A-Za-z_]+)'/g))
        used.add(match[1]!);
      expect(text, file).not.toMatch(/Object\.assign\(new Error/);
    }
    expect(used.size).toBeGreaterThan(10);
    for (const code of used) expect(Object.keys(SERVER_ERROR_CODES)).toContain(code);
  });
});
