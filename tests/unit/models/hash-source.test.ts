import { describe, expect, it } from 'vitest';
import { chooseExpectedHash, sha256FromEtag } from '../../../src/models/download/hash-source.ts';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const c = 'c'.repeat(64);

describe('hash source order', () => {
  it('prefers the catalog pin, then the hub etag, then the first-download record', () => {
    expect(chooseExpectedHash({ pinned: a, linkedEtag: `"${a}"`, recorded: c }).expected).toEqual({
      sha256: a,
      source: 'catalog',
    });
    expect(chooseExpectedHash({ linkedEtag: `"${b}"`, recorded: c }).expected).toEqual({
      sha256: b,
      source: 'hub-etag',
    });
    expect(chooseExpectedHash({ recorded: c }).expected).toEqual({ sha256: c, source: 'first-download' });
    expect(chooseExpectedHash({}).expected).toBeUndefined();
  });

  it('reports a hub file that differs from the pin', () => {
    expect(chooseExpectedHash({ pinned: a, linkedEtag: `"${b}"` }).conflict).toEqual({
      pinned: a,
      linkedEtag: b,
    });
    expect(chooseExpectedHash({ pinned: a, linkedEtag: `"${a}"` }).conflict).toBeUndefined();
  });

  it('ignores etags that are not SHA-256 digests (git blob ids of small files)', () => {
    const gitBlob = '"0123456789abcdef0123456789abcdef01234567"';
    expect(chooseExpectedHash({ linkedEtag: gitBlob, recorded: c }).expected?.source).toBe('first-download');
  });
});

describe('sha256FromEtag', () => {
  it.each([
    [`"${a}"`, a],
    [`W/"${a}"`, a],
    [a.toUpperCase(), a],
    [` "${b}" `, b],
    ['"abc"', undefined],
    ['', undefined],
    [null, undefined],
  ])('%s -> %s', (value, expected) => {
    expect(sha256FromEtag(value)).toBe(expected);
  });
});
