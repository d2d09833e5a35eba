import { describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../../src/agent/index.ts';
import { formatDuration, traceTimeline } from '../../../src/ui/agents/trace-rows.ts';

const span = (id: string, parent: string | undefined, start: number, end?: number): SpanRecord => ({
  traceId: 'a'.repeat(32),
  spanId: id.padEnd(16, '0'),
  ...(parent ? { parentSpanId: parent.padEnd(16, '0') } : {}),
  runId: 'r',
  rootRunId: 'r',
  name: id,
  kind: 'custom',
  start,
  ...(end !== undefined ? { end } : {}),
  attributes: {},
  status: end === undefined ? 'unset' : 'ok',
});

describe('the trace timeline', () => {
  it('lists each span after its parent, children by start, with offsets and widths on one axis', () => {
    const { rows, totalMs } = traceTimeline([
      span('b2', 'a', 1_060, 1_080),
      span('a', undefined, 1_000, 1_100),
      span('b1', 'a', 1_010, 1_050),
      span('c', 'b1', 1_020, 1_030),
    ]);
    expect(totalMs).toBe(100);
    expect(rows.map((r) => [r.span.name, r.depth])).toEqual([
      ['a', 0],
      ['b1', 1],
      ['c', 2],
      ['b2', 1],
    ]);
    const c = rows[2]!;
    expect(c.offsetMs).toBe(20);
    expect(c.durationMs).toBe(10);
    // 20 ms into a 100 ms trace, 10 ms long: 20 % and 10 % (exact in binary at these values).
    expect(c.left).toBeCloseTo(20, 10);
    expect(c.width).toBeCloseTo(10, 10);
  });

  it('draws a span that never ended up to now, and one whose parent is missing as a root', () => {
    const { rows, totalMs } = traceTimeline([span('a', undefined, 0, 10), span('open', 'gone', 5)], 50);
    expect(totalMs).toBe(50);
    const open = rows.find((r) => r.span.name === 'open')!;
    expect(open).toMatchObject({ depth: 0, open: true, durationMs: 45 });
    expect(open.left + open.width).toBeLessThanOrEqual(100);
  });

  it('gives a zero-length span a visible sliver, and an empty trace no rows', () => {
    const { rows } = traceTimeline([span('a', undefined, 0, 1_000), span('z', 'a', 500, 500)]);
    expect(rows[1]!.width).toBe(0.5);
    expect(traceTimeline([])).toEqual({ rows: [], totalMs: 0 });
  });

  it('writes durations short and exact where it matters', () => {
    expect(formatDuration(0.42)).toBe('0.4 ms');
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1_254)).toBe('1.25 s');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
