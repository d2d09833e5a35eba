import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { build, type Rolldown } from 'vite';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * The MCP SDK imports Ajv and zod statically; a page must not pay for them until it connects. A
 * production build of a page that can connect puts the SDK in a chunk of its own, loaded by
 * `import()`, and the page's own chunk keeps none of it.
 */
describe('the MCP SDK in a lazily loaded chunk', () => {
  it('stays out of the page’s chunk and is fetched on the first connection', async () => {
    const result = (await build({
      configFile: false,
      root,
      logLevel: 'silent',
      publicDir: false,
      build: {
        write: false,
        target: 'es2022',
        minify: true,
        rollupOptions: {
          input: path.join(root, 'tests/fixtures/mcp-chunk/entry.ts'),
          preserveEntrySignatures: 'exports-only',
        },
      },
    })) as Rolldown.RolldownOutput;
    const chunks = result.output.filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
    const entry = chunks.find((chunk) => chunk.isEntry)!;
    const lazy = chunks.filter((chunk) => !chunk.isEntry);
    const size = (chunk: Rolldown.OutputChunk) => ({
      file: chunk.fileName,
      kb: Math.round(chunk.code.length / 102.4) / 10,
      kbGzip: Math.round(gzipSync(chunk.code).length / 102.4) / 10,
    });
    // Sizes for the README; the static import is zod, which the app loads anyway.
    console.log(
      'MCP chunks:',
      JSON.stringify({ entry: size(entry), imports: entry.imports, lazy: lazy.map(size) }),
    );

    // SDK code is recognised by its own strings: the transport's, the client's, Ajv's.
    const sdkMarks = [
      'StreamableHTTPClientTransport already started',
      'Server does not support tools',
      'strictTypes',
    ];
    for (const mark of sdkMarks) expect(entry.code.includes(mark), mark).toBe(false);
    const sdkChunk = lazy.find((chunk) => chunk.code.includes(sdkMarks[0]!));
    expect(sdkChunk).toBeDefined();
    expect(sdkChunk!.code).toContain(sdkMarks[1]);
    expect(entry.dynamicImports).toContain(sdkChunk!.fileName);
    expect(entry.imports).not.toContain(sdkChunk!.fileName);
  }, 120_000);
});
