import { afterAll, beforeAll } from 'vitest';
import type { ServerConfigInput } from '../../../server/config.ts';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * One test server for the file (or the `describe` it is called in): started before the first test, closed
 * after the last. The object returned stands for that server once `beforeAll` has run — it forwards every
 * property to it — so a file names it once, `const server = useTestServer()`, and hooks registered after
 * that line already see it started.
 */
export function useTestServer(overrides: Partial<ServerConfigInput> = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(overrides);
  });
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as TestServer, {
    get(_, key) {
      if (!started) throw new Error('The test server starts in beforeAll: use it in a test or a later hook.');
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}
