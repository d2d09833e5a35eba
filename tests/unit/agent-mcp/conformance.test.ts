import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMcpClient } from '../../../scripts/mcp-client/build.ts';

/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance 0.1.16, pinned) against the
 * command-line client built on the bridge: `conformance client --command "npm run -s mcp-client --"`.
 * The suite starts its scenario servers on localhost and the client once per scenario, all scenarios
 * of a suite at once. On Node 20 the suite needs `fs.globSync` shimmed (scripts/mcp-client/node20-globsync.mjs).
 */
const root = path.resolve(import.meta.dirname, '../../..');
const expectedFailures = path.join(root, 'tests/conformance/expected-failures.yml');

interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'INFO' | 'SKIPPED';
  errorMessage?: string;
}

function runSuite(suite: string, extra: string[] = []) {
  return run(['--suite', suite, ...extra], suite);
}

function run(selection: string[], label: string) {
  const outputDir = fs.mkdtempSync(
    path.join(os.tmpdir(), `hearth-conformance-${label.replace(/\W/g, '-')}-`),
  );
  const args = [
    '--import',
    './scripts/mcp-client/node20-globsync.mjs',
    'node_modules/@modelcontextprotocol/conformance/dist/index.js',
    'client',
    '--command',
    'npm run -s mcp-client --',
    ...selection,
    '-o',
    outputDir,
  ];
  return new Promise<{ code: number | null; output: string; scenarios: Map<string, Check[]> }>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, NODE_OPTIONS: '' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      const scenarios = new Map<string, Check[]>();
      const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory()) walk(full);
          else if (entry.name === 'checks.json') {
            // results/<scenario>-<ISO time>/checks.json; auth scenarios sit one folder deeper (auth/<name>-<time>).
            const scenario = path.relative(outputDir, dir).replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '');
            scenarios.set(scenario, JSON.parse(fs.readFileSync(full, 'utf8')) as Check[]);
          }
        }
      };
      walk(outputDir);
      fs.rmSync(outputDir, { recursive: true, force: true });
      resolve({ code, output, scenarios });
    });
  });
}

const failing = (checks: Check[]) => checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');

beforeAll(async () => {
  await buildMcpClient();
}, 120_000);

describe('the MCP conformance suite against npm run mcp-client', () => {
  it('passes the core suite', async () => {
    const { code, output, scenarios } = await runSuite('core');
    // The core suite of 0.1.16: initialize, tools_call, elicitation defaults, SSE retry and 14 auth scenarios.
    expect(scenarios.size, output).toBe(18);
    const failures = [...scenarios].flatMap(([name, checks]) =>
      failing(checks).map((check) => ({ name, check })),
    );
    // One check measures time across two processes: sse-retry's server closes a stream and times the
    // client's reconnection, which must come 450–700 ms later (the server's `retry: 500`). The suite starts
    // all 18 clients at once (each an `npm run`, ~0.4 s of CPU); on 2 cores both the client and the suite's
    // own event loop (which hosts all 18 scenario servers) wait for a CPU, and the measured delay has been
    // 576–1,217 ms on a loaded machine. That check alone, if it is the only one to miss, is run again by
    // itself, where nothing competes; every other check must pass in the suite run.
    const timing = failures.filter((f) => f.name === 'sse-retry' && f.check.id === 'client-sse-retry-timing');
    expect(
      failures.filter((f) => !timing.includes(f)),
      output,
    ).toEqual([]);
    if (timing.length > 0) {
      console.warn(`sse-retry timing in the full suite: ${timing[0]!.check.errorMessage}; running it alone`);
      const alone = await run(['--scenario', 'sse-retry'], 'sse-retry');
      expect(failing(alone.scenarios.get('sse-retry') ?? []), alone.output).toEqual([]);
      expect(alone.code, alone.output).toBe(0);
    } else {
      expect(code, output).toBe(0);
    }
  }, 150_000);

  it('runs the auth suite with its checked-in expected failures', async () => {
    const { code, output, scenarios } = await runSuite('auth', ['--expected-failures', expectedFailures]);
    expect(scenarios.size, output).toBe(14);
    expect(code, output).toBe(0);
  }, 150_000);
});
