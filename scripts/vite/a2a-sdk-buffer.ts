import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/**
 * @a2a-js/sdk encodes and decodes file parts with Node's `Buffer` (as `Buffer` and as `globalThis.Buffer`), which a
 * browser lacks. This binds `Buffer` inside the SDK's modules only, to src/agent/a2a/sdk-buffer.ts: an import at
 * the top of each module shadows the global name, and `globalThis.Buffer` becomes that binding, padded to the same
 * length so columns (and the SDK's own source maps) stay put. Nothing is set on the page's `globalThis`.
 *
 * Used by the app build, the library build and the dev server's dependency optimiser (which pre-bundles the SDK).
 */
export const sdkBufferShim = fileURLToPath(new URL('../../src/agent/a2a/sdk-buffer.ts', import.meta.url));

const sdkModule = /[\\/]@a2a-js[\\/]sdk[\\/]dist[\\/].*\.js$/;

export function bindSdkBuffer(code: string, id: string): string | null {
  if (!sdkModule.test(id) || !/\bBuffer\b/.test(code)) return null;
  if (/\b(?:var|let|const|function|class)\s+Buffer\b|\bimport\b[^;]*\bBuffer\b/.test(code)) {
    throw new Error(
      `${id} declares its own Buffer; check scripts/vite/a2a-sdk-buffer.ts against this SDK version`,
    );
  }
  const global = 'globalThis.Buffer';
  return (
    `import { Buffer } from ${JSON.stringify(sdkBufferShim)}; ` +
    code.replaceAll(global, 'Buffer'.padEnd(global.length))
  );
}

export function a2aSdkBuffer(): Plugin {
  return {
    name: 'hearth-a2a-sdk-buffer',
    transform: {
      filter: { id: sdkModule },
      handler(code, id) {
        const out = bindSdkBuffer(code, id);
        return out === null ? null : { code: out, map: null };
      },
    },
  };
}
