import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumExecutable } from './tests/e2e/chromium.ts';
import { devPort, previewPort } from './tests/e2e/support/ports.ts';

// One id per run, inherited by the workers: the library is built once per run (tests/e2e/library/library-build.ts).
process.env.HEARTH_E2E_RUN ??= `${process.pid}-${Date.now()}`;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // Every test has an outer bound, and so has the whole run: a hung page cannot hang CI.
  timeout: 120_000,
  globalTimeout: 40 * 60_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${devPort}`,
    headless: true,
    launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs },
  },
  webServer: [
    {
      command: `npx vite --port ${devPort} --strictPort`,
      url: `http://127.0.0.1:${devPort}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx vite build --logLevel warn && npx vite preview --port ${previewPort} --strictPort`,
      url: `http://127.0.0.1:${previewPort}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 180_000,
    },
  ],
});
