import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import base from '../../playwright.config.ts';

const root = resolve(import.meta.dirname, '../..');
const servers = Array.isArray(base.webServer) ? base.webServer : base.webServer ? [base.webServer] : [];

/** The model store's throughput measurement, run with the e2e setup but outside the test suite. */
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'throughput.spec.ts',
  reporter: [['line']],
  outputDir: resolve(root, 'test-results/bench-models'),
  webServer: servers.map((server) => ({ ...server, cwd: root })),
});
