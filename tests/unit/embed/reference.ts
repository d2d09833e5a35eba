import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** PyTorch reference for hearth-demo/tiny-embed, written by tests/fixtures/make_fixtures.py. */
export interface EmbedReference {
  model: string;
  max_length: number;
  texts: Array<{ text: string; ids: number[]; untruncated_length: number; mean: number[]; cls: number[] }>;
}

export const TINY_EMBED = 'hearth-demo/tiny-embed';

export function loadReference(): EmbedReference {
  const path = resolve(import.meta.dirname, '../../fixtures/reference/tiny-embed.json');
  return JSON.parse(readFileSync(path, 'utf8')) as EmbedReference;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
