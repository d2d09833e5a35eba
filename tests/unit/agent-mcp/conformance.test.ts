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
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), `hearth-conformance-${suite}-`));
  const args = [
    '--import',
    './scripts/mcp-client/node20-globsync.mjs',
    'node_modules/@modelcontextprotocol/conformance/dist/index.js',
    'client',
    '--command',
    'npm run -s mcp-client --',
    '--suite',
    suite,
    '-o',
    outputDir,
    ...extra,
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
    const failures = [...scenarios].filter(([, checks]) => failing(checks).length > 0);
    expect(
      failures.map(([name, checks]) => [name, failing(checks)]),
      output,
    ).toEqual([]);
    // The core suite of 0.1.16: initialize, tools_call, elicitation defaults, SSE retry and 14 auth scenarios.
    expect(scenarios.size, output).toBe(18);
    expect(code, output).toBe(0);
  }, 150_000);

  it('runs the auth suite with its checked-in expected failures', async () => {
    const { code, output, scenarios } = await runSuite('auth', ['--expected-failures', expectedFailures]);
    expect(scenarios.size, output).toBe(14);
    expect(code, output).toBe(0);
  }, 150_000);
});
