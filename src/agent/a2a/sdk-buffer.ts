/**
 * The four things @a2a-js/sdk asks of Node's `Buffer` when it encodes and decodes file parts: `Buffer.from(base64,
 * 'base64')`, `Buffer.from(bytes)`, `Buffer.isBuffer(value)` and `buffer.toString('base64')`. Browsers have no
 * `Buffer`, so the build binds this one inside the SDK's own modules (scripts/vite/a2a-sdk-buffer.ts) instead of
 * setting `globalThis.Buffer`, which would change what every other script on the page sees.
 *
 * Anything else the SDK might ask for throws, so an SDK update that needs more fails loudly in the tests.
 */

export class SdkBuffer extends Uint8Array {
  override toString(encoding?: string): string {
    if (encoding !== 'base64') throw unsupported(`toString(${JSON.stringify(encoding)})`);
    return toBase64(this);
  }
}

export const Buffer = {
  from(value: unknown, encoding?: string): SdkBuffer {
    if (typeof value === 'string') {
      if (encoding !== 'base64') throw unsupported(`from(string, ${JSON.stringify(encoding)})`);
      return wrap(fromBase64(value));
    }
    if (encoding !== undefined) throw unsupported(`from(bytes, ${JSON.stringify(encoding)})`);
    if (value instanceof ArrayBuffer) return wrap(new Uint8Array(value.slice(0)));
    if (ArrayBuffer.isView(value)) {
      return wrap(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
    }
    if (Array.isArray(value)) return wrap(Uint8Array.from(value as number[]));
    throw unsupported(`from(${Object.prototype.toString.call(value)})`);
  },
  isBuffer(value: unknown): boolean {
    return value instanceof SdkBuffer;
  },
};

function wrap(bytes: Uint8Array<ArrayBuffer>): SdkBuffer {
  return new SdkBuffer(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function unsupported(call: string): Error {
  return new Error(`The A2A SDK called Buffer.${call}, which Hearth's browser Buffer does not provide.`);
}

interface Base64Native {
  fromBase64?: (text: string) => Uint8Array<ArrayBuffer>;
}
interface Base64NativeBytes {
  toBase64?: () => string;
}

/** Accepts what Node's Buffer accepts: standard or URL-safe alphabet, with or without padding, spaces ignored. */
function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const standard = text
    .replace(/[\s=]+/g, '')
    .replace(/-/g, '+')
    .replace(/_/g, '/');
  const padded = standard.padEnd(standard.length + ((4 - (standard.length % 4)) % 4), '=');
  const native = (Uint8Array as unknown as Base64Native).fromBase64;
  if (native) return native(padded);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Base64NativeBytes).toBase64;
  if (native) return native.call(bytes);
  // String.fromCharCode takes its arguments on the stack: 32 KiB at a time stays far below its limit.
  let binary = '';
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}
