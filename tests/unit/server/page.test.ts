import { describe, expect, it } from 'vitest';
import { fetchPage } from '../../../server/store/page.ts';

describe('fetchPage', () => {
  const rows = ['a', 'b', 'c', 'd', 'e'];
  const fetchFrom = (asked: number[]) => (limit: number) => {
    asked.push(limit);
    return rows.slice(0, limit);
  };

  it('asks for one row more than the page and says another page follows when it came', () => {
    const asked: number[] = [];
    expect(fetchPage(2, fetchFrom(asked))).toEqual({ page: ['a', 'b'], hasMore: true });
    expect(asked).toEqual([3]);
  });

  it('says no page follows when the rows end on or before the page', () => {
    expect(fetchPage(5, fetchFrom([]))).toEqual({ page: rows, hasMore: false });
    expect(fetchPage(9, fetchFrom([]))).toEqual({ page: rows, hasMore: false });
  });
});
