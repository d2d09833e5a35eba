/** The one policy for tool results, local and remote alike: what the model reads, and what is kept. */

export interface ShapedResult {
  /** What goes back to the model (within the byte cap). */
  output: string;
  /** The whole serialised result, when `output` had to be cut. */
  full?: string;
  truncated: boolean;
  /** UTF-8 bytes of the whole serialised result. */
  bytes: number;
}

/** Default cap: 16 KiB is ~4,000 tokens, already more than a small local model's context can spare. */
export const DEFAULT_MAX_RESULT_BYTES = 16 * 1024;

/**
 * A string is passed as is; anything else as JSON. What JSON cannot hold is written as text rather
 * than lost (`undefined` → "undefined", a bigint → its digits, a cycle → "[Circular]", a function →
 * "[Function name]"); an Error gives its name and message.
 */
export function serializeToolResult(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  const seen = new WeakSet<object>();
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') return item.toString();
      if (typeof item === 'function') return `[Function ${item.name || 'anonymous'}]`;
      if (typeof item === 'symbol') return item.toString();
      if (item instanceof Map) return Object.fromEntries(item);
      if (item instanceof Set) return [...item];
      if (item instanceof Error) return `${item.name}: ${item.message}`;
      if (typeof item === 'object' && item !== null) {
        if (seen.has(item)) return '[Circular]';
        seen.add(item);
      }
      return item;
    });
    return json ?? String(value);
  } catch {
    return String(value);
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Cuts a result past `maxBytes` (UTF-8, never inside a character) and says so in a note the model
 * reads, with the sizes, so it can ask for less instead of reasoning over a silently cut text.
 */
export function shapeToolResult(value: unknown, maxBytes = DEFAULT_MAX_RESULT_BYTES): ShapedResult {
  const text = serializeToolResult(value);
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no encoding to know they fit.
  if (text.length * 3 <= maxBytes) return { output: text, truncated: false, bytes: utf8Length(text) };
  const bytes = encoder.encode(text);
  if (bytes.length <= maxBytes) return { output: text, truncated: false, bytes: bytes.length };
  const note = `\n[truncated: the result was ${bytes.length} bytes; only the first ${maxBytes} are shown]`;
  let end = Math.max(0, maxBytes - encoder.encode(note).length);
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // back to a character's first byte
  return {
    output: decoder.decode(bytes.subarray(0, end)) + note,
    full: text,
    truncated: true,
    bytes: bytes.length,
  };
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
