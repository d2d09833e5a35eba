import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const entry = path.join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const preload = path.join(import.meta.dirname, 'loopback-listen.mjs');

export interface EverythingServer {
  /** `http://127.0.0.1:<port>/mcp` (streamableHttp) or `/sse` (sse). */
  url: string;
  port: number;
  /** Kills the process (SIGKILL: a crash, not a clean shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function start(mode: 'streamableHttp' | 'sse', port: number): Promise<{ child: ChildProcess; port: number }> {
  // A clean environment: its get-env tool returns the whole environment to whoever calls it.
  const child = spawn(process.execPath, ['--import', preload, entry, mode], {
    env: { HEARTH_LISTEN_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server-everything did not start within 20 s:\n${output}`));
    }, 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /HEARTH_LISTENING (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server-everything exited with ${code}:\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The MCP reference server (@modelcontextprotocol/server-everything) on a loopback port. */
export async function startEverything(
  mode: 'streamableHttp' | 'sse' = 'streamableHttp',
): Promise<EverythingServer> {
  const first = await start(mode, 0);
  const { port } = first;
  let { child } = first;
  const url = `http://127.0.0.1:${port}/${mode === 'sse' ? 'sse' : 'mcp'}`;
  return {
    url,
    port,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      ({ child } = await start(mode, port));
    },
    async stop() {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
}
