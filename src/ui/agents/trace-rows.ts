import type { SpanRecord } from '../../runtime/index.ts';

/** One span as the timeline draws it: indented under its parent, its bar placed on the run's time axis. */
export interface TraceRow {
  span: SpanRecord;
  depth: number;
  /** From the first span's start, ms. */
  offsetMs: number;
  /** Its length, ms; for a span still open (or cut short by a closed page), up to `now`. */
  durationMs: number;
  open: boolean;
  /** Where the bar starts and how long it is, as percentages of the whole trace (at least a sliver). */
  left: number;
  width: number;
}

export interface TimelineRows {
  rows: TraceRow[];
  totalMs: number;
}

/** The narrowest bar drawn, in percent: a 0.2 ms span still shows. */
const MIN_WIDTH = 0.5;

/**
 * Spans in the order a reader follows them: each span followed by its children (by start time), so
 * the indentation shows who called whom. A span whose parent is not in the list starts a tree of its own.
 */
export function traceTimeline(spans: readonly SpanRecord[], now = Date.now()): TimelineRows {
  if (spans.length === 0) return { rows: [], totalMs: 0 };
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | undefined, SpanRecord[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    (children.get(parent) ?? children.set(parent, []).get(parent)!).push(span);
  }
  for (const list of children.values()) list.sort((a, b) => a.start - b.start);

  const start = Math.min(...spans.map((s) => s.start));
  const end = Math.max(...spans.map((s) => s.end ?? Math.max(now, s.start)));
  const totalMs = Math.max(end - start, 0);
  const rows: TraceRow[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanRecord, depth: number) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    const open = span.end === undefined;
    const stop = span.end ?? Math.max(now, span.start);
    const offsetMs = span.start - start;
    const durationMs = Math.max(stop - span.start, 0);
    const left = totalMs > 0 ? (offsetMs / totalMs) * 100 : 0;
    const width = totalMs > 0 ? Math.max((durationMs / totalMs) * 100, MIN_WIDTH) : 100;
    const placedLeft = Math.min(left, 100 - MIN_WIDTH);
    rows.push({
      span,
      depth,
      offsetMs,
      durationMs,
      open,
      left: placedLeft,
      width: Math.min(width, 100 - placedLeft),
    });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(undefined) ?? []) visit(root, 0);
  return { rows, totalMs };
}

/** 0.4 ms, 12 ms, 1.25 s, 2 min 5 s: short, and precise where it matters. */
export function formatDuration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(1)} ms`;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1_000)} s`;
}
