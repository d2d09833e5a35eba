import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The library build, which the preview server also serves (at `/lib/`, inside `dist/`). */
export const libDir = join(repoRoot, 'dist/lib');

/** Where the id of the run that last built dist/lib is kept (outside dist/lib, so it is never packed). */
const stamp = join(repoRoot, 'node_modules/.cache/hearth-e2e/library-built-for');

/**
 * Builds dist/lib (`npm run build:lib`) once per Playwright run, whichever spec asks first: the
 * config gives each run an id (HEARTH_E2E_RUN), and a later spec of the same run finds it in the
 * stamp. Outside a Playwright run it always builds.
 */
export function buildLibraryOnce(): void {
  const run = process.env.HEARTH_E2E_RUN;
  const built = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (
    run &&
    built === run &&
    existsSync(join(libDir, 'index.js')) &&
    existsSync(join(libDir, 'hearth-chat.js'))
  )
    return;
  execFileSync('npm', ['run', '--silent', 'build:lib'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  if (run) {
    mkdirSync(dirname(stamp), { recursive: true });
    writeFileSync(stamp, run);
  }
}
