import { z } from 'zod';
import type { StoreKey } from './byte-store.ts';

/**
 * Where a model's files live in a ByteStore:
 *   <repo>/<revision>/data/<path>        the file's bytes (a prefix of them while downloading)
 *   <repo>/<revision>/meta/<path>.json   its state: partial (how to resume) or complete (size, hash)
 *   .ledger/<repo>/<revision>/<path>     the SHA-256 seen at first download; survives deleting the model
 * Each part is one URI-encoded segment, so "owner/name" and "onnx/model.onnx" stay one name.
 */
function segment(value: string): string {
  if (value === '') throw new Error('empty name in a model store key');
  // "." and ".." survive encodeURIComponent but are not file names: escape their dots.
  return encodeURIComponent(value).replace(/^\.+$/, (dots) => '%2E'.repeat(dots.length));
}

export const modelKey = (repo: string, revision: string): StoreKey => [segment(repo), segment(revision)];

export const dataKey = (repo: string, revision: string, path: string): StoreKey => [
  ...modelKey(repo, revision),
  'data',
  segment(path),
];

export const metaKey = (repo: string, revision: string, path: string): StoreKey => [
  ...modelKey(repo, revision),
  'meta',
  `${segment(path)}.json`,
];

export const LEDGER = '.ledger';

export const ledgerKey = (repo: string, revision: string, path: string): StoreKey => [
  LEDGER,
  segment(repo),
  segment(revision),
  segment(path),
];

export const hashSourceSchema = z.enum(['catalog', 'hub-etag', 'first-download']);

export const fileMetaSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('partial'),
    /** Full size when the server said it. */
    total: z.number().int().nonnegative().optional(),
    /** Strong ETag or Last-Modified of the response the prefix came from, for `If-Range`. */
    validator: z.string().optional(),
    /** The hash the finished file must have, when one was known; a resume must agree with it. */
    sha256: z.string().optional(),
  }),
  z.object({
    state: z.literal('complete'),
    size: z.number().int().nonnegative(),
    sha256: z.string(),
    hashSource: hashSourceSchema,
    storedAt: z.string(),
  }),
]);
export type FileMeta = z.infer<typeof fileMetaSchema>;
export type CompleteMeta = Extract<FileMeta, { state: 'complete' }>;

/** Decodes the repo, revision of a stored key, or undefined for the ledger. */
export function modelOfKey(key: readonly string[]): { repo: string; revision: string } | undefined {
  const [repo, revision] = key;
  if (!repo || !revision || repo === LEDGER) return undefined;
  return { repo: decodeURIComponent(repo), revision: decodeURIComponent(revision) };
}
