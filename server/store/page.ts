/**
 * One page of a list: `fetch` is asked for one row more than the page holds, and that extra row
 * only says whether another page follows.
 */
export function fetchPage<T>(limit: number, fetch: (rows: number) => T[]): { page: T[]; hasMore: boolean } {
  const rows = fetch(limit + 1);
  return { page: rows.slice(0, limit), hasMore: rows.length > limit };
}
