/**
 * A citation's address: `#/documents/<documentId>?start=<n>&end=<n>`, the character offsets of
 * the cited chunk (a search hit's `start` and `end`). Any view can link to it; the Documents view
 * opens the passage there, highlighted.
 */
export interface PassageRoute {
  documentId: string;
  start: number;
  end: number;
}

export function passageHash(route: PassageRoute): string {
  return `#/documents/${encodeURIComponent(route.documentId)}?start=${route.start}&end=${route.end}`;
}

/** The passage a hash names, or null for the plain view (or a malformed address). */
export function parsePassageHash(hash: string): PassageRoute | null {
  const match = /^#\/?documents\/([^/?]+)\?(.*)$/.exec(hash);
  if (!match) return null;
  const query = new URLSearchParams(match[2]);
  const start = Number(query.get('start'));
  const end = Number(query.get('end'));
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) return null;
  return { documentId: decodeURIComponent(match[1]!), start, end };
}
