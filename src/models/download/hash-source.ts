/**
 * Which SHA-256 a downloaded file must match, in order of trust: the catalog's pin, then the hub's
 * LFS hash (`X-Linked-Etag` of a `resolve` response, or the same hash from the hub's API when a
 * redirect hides that header from the page), then the hash recorded when this file was
 * first downloaded (trust on first use). With none of them the file is accepted and its hash recorded.
 */
export type HashSource = 'catalog' | 'hub-etag' | 'first-download';

export interface ExpectedHash {
  sha256: string;
  source: HashSource;
}

export interface HashCandidates {
  pinned?: string | undefined;
  linkedEtag?: string | undefined;
  recorded?: string | undefined;
}

export interface HashChoice {
  expected: ExpectedHash | undefined;
  /** The hub reports a different file than the catalog pins: the upstream file changed. */
  conflict: { pinned: string; linkedEtag: string } | undefined;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The SHA-256 in an `X-Linked-Etag` header, if it holds one. The hub sends `"<sha256>"` for LFS
 * files; for small files kept in git the etag is a git blob id (40 hex digits), which is not a
 * SHA-256 of the content and is ignored.
 */
export function sha256FromEtag(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const bare = value
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
  return SHA256.test(bare) ? bare : undefined;
}

export function chooseExpectedHash(candidates: HashCandidates): HashChoice {
  const pinned = candidates.pinned?.toLowerCase();
  const linkedEtag = sha256FromEtag(candidates.linkedEtag);
  const recorded = candidates.recorded?.toLowerCase();
  const conflict = pinned && linkedEtag && pinned !== linkedEtag ? { pinned, linkedEtag } : undefined;
  if (pinned) return { expected: { sha256: pinned, source: 'catalog' }, conflict };
  if (linkedEtag) return { expected: { sha256: linkedEtag, source: 'hub-etag' }, conflict };
  if (recorded && SHA256.test(recorded))
    return { expected: { sha256: recorded, source: 'first-download' }, conflict };
  return { expected: undefined, conflict };
}

/** Words for a status line: where the hash a file was checked against came from. */
export function describeHashSource(source: HashSource): string {
  switch (source) {
    case 'catalog':
      return "verified against the catalog's pinned SHA-256";
    case 'hub-etag':
      return "verified against the hub's LFS SHA-256 (X-Linked-Etag or the hub API)";
    case 'first-download':
      return 'no published hash: checked against the SHA-256 recorded at its first download';
  }
}
