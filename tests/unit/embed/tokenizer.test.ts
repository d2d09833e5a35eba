import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmbedTokenizer } from '../../../src/engines/embed/tokenizer.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { loadReference, TINY_EMBED } from './reference.ts';

const reference = loadReference();
const files = fsModelFiles(TINY_EMBED);
const json = async (path: string) => JSON.parse(new TextDecoder().decode(await files.read(path))) as unknown;

describe('EmbedTokenizer on tiny-embed', () => {
  it('gives the reference ids for every text, truncating long ones to [CLS] + head + [SEP]', async () => {
    const tokenizer = EmbedTokenizer.create(
      await json('tokenizer.json'),
      await json('tokenizer_config.json'),
      'tiny',
    );
    expect(reference.texts.some((entry) => entry.untruncated_length > reference.max_length)).toBe(true);
    for (const entry of reference.texts) {
      const encoded = tokenizer.encode(entry.text, reference.max_length);
      expect(encoded.ids, entry.text).toEqual(entry.ids);
      expect(encoded.fullLength, entry.text).toBe(entry.untruncated_length);
    }
  });

  it('refuses a tokenizer.json it cannot build with MODEL_FILE_MALFORMED', () => {
    const broken = { model: { type: 'NoSuchModel' } };
    expect(() => EmbedTokenizer.create(broken, {}, 'tiny')).toThrow(
      expect.objectContaining({ code: 'MODEL_FILE_MALFORMED' }),
    );
  });
});

// Keeps the reference file honest: it must be the one next to the committed model.
it('the reference names the bundled model', () => {
  const raw = readFileSync(new URL('../../fixtures/reference/tiny-embed.json', import.meta.url), 'utf8');
  expect(JSON.parse(raw).model).toBe(TINY_EMBED);
});
