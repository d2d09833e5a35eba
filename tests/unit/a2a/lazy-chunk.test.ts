import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
import { describe, expect, it } from 'vitest';
import { a2aSdkBuffer } from '../../../scripts/vite/a2a-sdk-buffer.ts';

// The bridge's public face bundled as an app would (minified, with the Buffer binding), to check where the SDK
// lands: in a chunk of its own that only a dynamic import reaches. Sizes are printed for the README.
describe('the A2A SDK in a lazily loaded chunk', () => {
  it('stays out of the first chunk, carries its own Buffer, and leaves jose behind', async () => {
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      plugins: [a2aSdkBuffer()],
      build: {
        write: false,
        target: 'es2022',
        minify: true,
        lib: { entry: 'src/agent/a2a/index.ts', formats: ['es'], fileName: 'a2a' },
      },
    });
    const chunks = (Array.isArray(result) ? result : [result])
      .flatMap((output) => (output as Rolldown.RolldownOutput).output)
      .filter((item): item is Rolldown.OutputChunk => item.type === 'chunk');
    const has = (chunk: Rolldown.OutputChunk, path: string) =>
      Object.keys(chunk.modules).some((id) => id.includes(path));
    const entry = chunks.find((chunk) => chunk.isEntry)!;
    const sdk = chunks.filter((chunk) => has(chunk, '@a2a-js/sdk/dist/client/index.js'));
    expect(sdk).toHaveLength(1);
    const lazy = sdk[0]!;
    expect(has(entry, '@a2a-js')).toBe(false);
    expect(entry.imports).not.toContain(lazy.fileName);
    expect(entry.dynamicImports).toContain(lazy.fileName);
    expect(has(lazy, 'src/agent/a2a/sdk-buffer.ts')).toBe(true);
    for (const chunk of chunks) {
      expect(chunk.code, chunk.fileName).not.toContain('globalThis.Buffer');
      expect(has(chunk, '/jose/'), chunk.fileName).toBe(false);
    }
    const kb = (code: string) => Math.round(code.length / 102.4) / 10;
    const gz = (code: string) => Math.round(gzipSync(code).length / 102.4) / 10;
    const eager = chunks.filter((chunk) => chunk !== lazy);
    console.log(
      JSON.stringify({
        a2a_sdk_chunk_kb: kb(lazy.code),
        a2a_sdk_chunk_kb_gzip: gz(lazy.code),
        a2a_eager_kb_gzip: gz(eager.map((chunk) => chunk.code).join('')),
      }),
    );
  });
});
