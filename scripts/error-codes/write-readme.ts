/** Rewrites the table of error codes in README.md from the registries. */
import fs from 'node:fs';
import * as prettier from 'prettier';
import { ERROR_TABLE_BEGIN, ERROR_TABLE_END, loadErrorRegistries, renderErrorTable } from './registries.ts';

const file = new URL('../../README.md', import.meta.url).pathname;
const readme = fs.readFileSync(file, 'utf8');
const begin = readme.indexOf(ERROR_TABLE_BEGIN);
const end = readme.indexOf(ERROR_TABLE_END);
if (begin < 0 || end < begin) throw new Error('README.md has no error-codes section markers');
const next =
  readme.slice(0, begin) +
  renderErrorTable(await loadErrorRegistries()) +
  readme.slice(end + ERROR_TABLE_END.length);
const options = (await prettier.resolveConfig(file)) ?? {};
fs.writeFileSync(file, await prettier.format(next, { ...options, filepath: file }));
