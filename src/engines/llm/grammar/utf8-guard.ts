import type { GrammarVocabulary } from './grammar-vocabulary.ts';
import { tokenBytes } from './token-bytes.ts';

/** Where a UTF-8 decoder stands: how many continuation bytes it still needs, and the next byte's range. */
interface Utf8State {
  need: number;
  lo: number;
  hi: number;
}

const BOUNDARY: Utf8State = { need: 0, lo: 0x80, hi: 0xbf };

/** Advances a strict UTF-8 decoder (no overlong forms, no surrogates, nothing past U+10FFFF) by one byte. */
function step(state: Utf8State, byte: number): Utf8State | undefined {
  if (state.need > 0) {
    if (byte < state.lo || byte > state.hi) return undefined;
    return state.need === 1 ? BOUNDARY : { need: state.need - 1, lo: 0x80, hi: 0xbf };
  }
  if (byte < 0x80) return BOUNDARY;
  if (byte >= 0xc2 && byte <= 0xdf) return { need: 1, lo: 0x80, hi: 0xbf };
  if (byte === 0xe0) return { need: 2, lo: 0xa0, hi: 0xbf };
  if (byte === 0xed) return { need: 2, lo: 0x80, hi: 0x9f };
  if (byte >= 0xe1 && byte <= 0xef) return { need: 2, lo: 0x80, hi: 0xbf };
  if (byte === 0xf0) return { need: 3, lo: 0x90, hi: 0xbf };
  if (byte >= 0xf1 && byte <= 0xf3) return { need: 3, lo: 0x80, hi: 0xbf };
  if (byte === 0xf4) return { need: 3, lo: 0x80, hi: 0x8f };
  return undefined;
}

function run(state: Utf8State, bytes: Uint8Array): Utf8State | undefined {
  let current: Utf8State | undefined = state;
  for (const byte of bytes) {
    current = step(current, byte);
    if (!current) return undefined;
  }
  return current;
}

/**
 * Per vocabulary: the bytes of each token, and for each decoder state (at a character boundary, or
 * inside a character: a handful of states in all) which tokens are ruled out, computed once.
 */
export class Utf8TokenTable {
  readonly bytes: Uint8Array[];
  /** Tokens that do not start and end on a character boundary (byte tokens, split characters). */
  private readonly partial: Array<{ id: number; bytes: Uint8Array }> = [];
  private readonly refusedAtBoundary: Int32Array;
  private readonly allowedInside = new Map<string, Int32Array>();

  constructor(vocabulary: GrammarVocabulary) {
    this.bytes = tokenBytes(vocabulary);
    this.bytes.forEach((bytes, id) => {
      if (run(BOUNDARY, bytes)?.need !== 0) this.partial.push({ id, bytes });
    });
    this.refusedAtBoundary = Int32Array.from(
      this.partial.filter(({ bytes }) => !run(BOUNDARY, bytes)).map(({ id }) => id),
    );
  }

  /** At a boundary: the tokens that cannot start valid text (stray continuation bytes, C0, F5...). */
  refused(): Int32Array {
    return this.refusedAtBoundary;
  }

  /** Inside a character: the only tokens that continue it validly. */
  allowed(state: Utf8State): Int32Array {
    const key = `${state.need}:${state.lo}:${state.hi}`;
    let ids = this.allowedInside.get(key);
    if (!ids) {
      ids = Int32Array.from(
        this.partial.filter(({ bytes }) => bytes.length > 0 && run(state, bytes)).map(({ id }) => id),
      );
      this.allowedInside.set(key, ids);
    }
    return ids;
  }
}

const tables = new Map<string, Utf8TokenTable>();

export function utf8TableFor(vocabulary: GrammarVocabulary): Utf8TokenTable {
  let table = tables.get(vocabulary.id);
  if (!table) tables.set(vocabulary.id, (table = new Utf8TokenTable(vocabulary)));
  return table;
}

/**
 * Keeps byte-level output valid UTF-8. xgrammar 0.1.27 decodes bytes leniently: inside a JSON string
 * it lets through overlong forms (C0 80), surrogates (ED A0 80) and code points past U+10FFFF, which
 * decode to U+FFFD and break length limits and round trips. At a character boundary the few tokens
 * that cannot start valid text are ruled out; inside a character, only those that continue it remain.
 */
export class Utf8Guard {
  private state: Utf8State = BOUNDARY;

  constructor(private readonly table: Utf8TokenTable) {}

  process(logits: Float32Array): void {
    if (this.state.need === 0) {
      for (const id of this.table.refused()) if (id < logits.length) logits[id] = -Infinity;
      return;
    }
    const allowed = this.table.allowed(this.state);
    const kept = allowed.map((id) => id);
    const values = Float32Array.from(kept, (id) => logits[id] ?? -Infinity);
    logits.fill(-Infinity);
    kept.forEach((id, i) => {
      if (id < logits.length) logits[id] = values[i]!;
    });
  }

  accept(tokenId: number): void {
    const bytes = this.table.bytes[tokenId];
    this.state = (bytes && run(this.state, bytes)) || BOUNDARY;
  }
}
