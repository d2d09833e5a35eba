import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bindSdkBuffer, sdkBufferShim } from '../../../scripts/vite/a2a-sdk-buffer.ts';
import { Buffer as SdkBuffer } from '../../../src/agent/a2a/sdk-buffer.ts';

// The browser stand-in for the few Buffer calls @a2a-js/sdk makes, against Node's own Buffer. Node 20 has no
// Uint8Array.fromBase64/toBase64, so this runs the atob/btoa path; Chromium (tests/e2e/a2a.spec.ts) the native one.
describe('the SDK Buffer stand-in', () => {
  it('encodes and decodes base64 exactly as Node does, at every length around the chunk size', () => {
    for (const length of [0, 1, 2, 3, 4, 255, 0x8000 - 1, 0x8000, 0x8000 + 1, 100_003]) {
      const bytes = randomBytes(length);
      const encoded = SdkBuffer.from(new Uint8Array(bytes)).toString('base64');
      expect(encoded).toBe(bytes.toString('base64'));
      expect(Buffer.from(SdkBuffer.from(encoded, 'base64')).equals(bytes)).toBe(true);
    }
  });

  it("reads the URL-safe alphabet and missing padding, as Node's Buffer does", () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00, 0x3e]);
    const urlSafe = bytes.toString('base64url'); // no padding, - and _
    expect(urlSafe).toMatch(/[-_]/);
    expect(Buffer.from(SdkBuffer.from(urlSafe, 'base64')).equals(Buffer.from(urlSafe, 'base64'))).toBe(true);
  });

  it('copies what it is given, knows its own, and refuses what it does not provide', () => {
    const source = new Uint8Array([1, 2, 3]);
    const copy = SdkBuffer.from(source);
    source[0] = 9;
    expect([...copy]).toEqual([1, 2, 3]);
    expect(SdkBuffer.isBuffer(copy)).toBe(true);
    expect(SdkBuffer.isBuffer(source)).toBe(false);
    expect(SdkBuffer.isBuffer({ type: 'Buffer', data: [] })).toBe(false);
    expect(() => SdkBuffer.from('text', 'utf8')).toThrow(/Buffer\.from\(string, "utf8"\)/);
    expect(() => copy.toString()).toThrow(/toString\(undefined\)/);
  });
});

describe('binding Buffer inside the SDK modules (scripts/vite/a2a-sdk-buffer.ts)', () => {
  const dist = path.resolve(import.meta.dirname, '../../../node_modules/@a2a-js/sdk/dist');
  const modules = ['client/index.js', 'compat/v0_3/client/index.js', 'index.js'];

  it('binds every Buffer the client modules use, keeping lines and columns', () => {
    for (const module of modules) {
      const id = path.join(dist, module);
      const code = fs.readFileSync(id, 'utf8');
      const out = bindSdkBuffer(code, id);
      expect(out, module).not.toBeNull();
      expect(out!.startsWith(`import { Buffer } from ${JSON.stringify(sdkBufferShim)}; `)).toBe(true);
      expect(out).not.toContain('globalThis.Buffer');
      const lines = code.split('\n');
      const outLines = out!.split('\n');
      expect(outLines.length).toBe(lines.length);
      expect(outLines.slice(1).every((line, i) => line.length === lines[i + 1]!.length)).toBe(true);
    }
  });

  it('leaves other modules alone, and stops the build if an SDK module brings its own Buffer', () => {
    expect(bindSdkBuffer('Buffer.from(x)', '/app/node_modules/other/index.js')).toBeNull();
    expect(bindSdkBuffer('const a = 1;', path.join(dist, 'x.js'))).toBeNull();
    expect(() => bindSdkBuffer('var Buffer = 1; Buffer.from(x)', path.join(dist, 'x.js'))).toThrow(
      /own Buffer/,
    );
  });
});
