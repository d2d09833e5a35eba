/**
 * Builds the command-line MCP client into one ES module, .build/mcp-client/mcp-client.mjs: the
 * bridge, the SDK and their dependencies bundled, so a start reads one file (the conformance suite
 * starts it once per scenario). Run by `npm run build:mcp-client` and by the conformance test.
 */
import path from 'node:path';
import { build } from 'vite';

export const mcpClientOutDir = path.resolve(import.meta.dirname, '../../.build/mcp-client');

export async function buildMcpClient(): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    build: {
      ssr: path.resolve(import.meta.dirname, 'main.ts'),
      outDir: mcpClientOutDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: false,
      rollupOptions: { output: { entryFileNames: 'mcp-client.mjs', codeSplitting: false } },
    },
    ssr: { noExternal: true, target: 'node' },
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await buildMcpClient();
}
