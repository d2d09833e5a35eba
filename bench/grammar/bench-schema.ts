/**
 * The schema both halves of the benchmark constrain to: the shape of a typical structured answer
 * (a few fields and a list of small objects). No `maxLength`: xgrammar 0.1.27 unrolls bounded
 * strings, and with a 150k vocabulary `maxLength: 40` alone makes compiling take ~10 s and each mask
 * ~8 ms (measured here under load) instead of ~1 s and ~0.2 ms, which would measure that keyword
 * rather than constrained decoding. Integer ranges are cheap and stay.
 */
export const benchSchema = {
  type: 'object',
  properties: {
    title: { type: 'string' },
    count: { type: 'integer', minimum: 0, maximum: 100000 },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer', minimum: 0, maximum: 999 },
          label: { type: 'string' },
          ok: { type: 'boolean' },
        },
        required: ['id', 'label', 'ok'],
      },
    },
  },
  required: ['title', 'count', 'items'],
};

/** A document that fits `benchSchema`, for walking the grammar with real tokens. */
export function benchDocument(): string {
  const words = ['alpha', 'bravo', 'cuisine', 'dünya', '東京', 'échelle', 'gamma', 'hotel'];
  const items = Array.from({ length: 64 }, (_, i) => ({
    id: i * 7,
    label: `${words[i % 8]} ${i}`,
    ok: i % 3 === 0,
  }));
  return JSON.stringify({ title: 'Grammar benchmark document', count: 4096, items }, null, 0)
    .replaceAll('":', '": ')
    .replaceAll(',"', ', "')
    .replaceAll('},{', '}, {');
}
