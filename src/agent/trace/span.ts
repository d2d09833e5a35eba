import type { ToolSpan } from '../tool.ts';

export type SpanKind = 'run' | 'agent' | 'model' | 'tool' | 'handoff' | 'approval' | 'custom';
export type SpanAttributes = Record<string, string | number | boolean>;

/** A span as stored in IndexedDB (and exported as OTLP). Times are ms since the epoch, fractional. */
export interface SpanRecord {
  /** 32 lowercase hex digits, as OTLP/JSON writes it. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  parentSpanId?: string;
  /** The run that opened it, and that run's root (the trace of one user request). */
  runId: string;
  rootRunId: string;
  name: string;
  kind: SpanKind;
  start: number;
  /** Absent while open (or when the page went away first). */
  end?: number;
  attributes: SpanAttributes;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
}

/** Attribute values longer than this are cut in traces (the thread and the results store keep the whole). */
const MAX_ATTRIBUTE_CHARS = 4_096;

export function randomHex(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  let out = '';
  for (const byte of data) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** Wall-clock ms with sub-ms precision: performance.now() is monotonic and finer than Date.now(). */
export const nowMs = () => performance.timeOrigin + performance.now();

/**
 * The spans of one run. Each run has its own, and every span names its parent explicitly, so two
 * runs on one page never mix (there is no ambient "current span"). Changed spans wait in `dirty`
 * until the run's next checkpoint writes them with its state, in the same transaction.
 */
export class RunTrace {
  private readonly dirty = new Map<string, SpanRecord>();

  constructor(
    readonly traceId: string,
    private readonly runId: string,
    private readonly rootRunId: string,
  ) {}

  start(name: string, kind: SpanKind, parentSpanId: string | undefined, attributes: SpanAttributes = {}) {
    const span: SpanRecord = {
      traceId: this.traceId,
      spanId: randomHex(8),
      ...(parentSpanId ? { parentSpanId } : {}),
      runId: this.runId,
      rootRunId: this.rootRunId,
      name,
      kind,
      start: nowMs(),
      attributes: clip(attributes),
      status: 'unset',
    };
    this.dirty.set(span.spanId, span);
    return span;
  }

  set(span: SpanRecord, attributes: SpanAttributes): void {
    Object.assign(span.attributes, clip(attributes));
    this.dirty.set(span.spanId, span);
  }

  end(span: SpanRecord, error?: unknown, attributes: SpanAttributes = {}): void {
    if (span.end !== undefined) return;
    span.end = nowMs();
    Object.assign(span.attributes, clip(attributes));
    if (error !== undefined) {
      span.status = 'error';
      span.statusMessage = error instanceof Error ? error.message : String(error);
    } else span.status = 'ok';
    this.dirty.set(span.spanId, span);
  }

  /** A span opened by a tool (a remote call, say), under that call's span. */
  toolSpan(name: string, parentSpanId: string, attributes?: SpanAttributes): ToolSpan {
    const span = this.start(name, 'custom', parentSpanId, attributes);
    return {
      setAttributes: (more) => this.set(span, more),
      end: (error) => this.end(span, error),
    };
  }

  /** The spans changed since the last call, for the next checkpoint. */
  drain(): SpanRecord[] {
    const spans = [...this.dirty.values()].map((span) => ({ ...span, attributes: { ...span.attributes } }));
    this.dirty.clear();
    return spans;
  }
}

function clip(attributes: SpanAttributes): SpanAttributes {
  const out: SpanAttributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    out[key] =
      typeof value === 'string' && value.length > MAX_ATTRIBUTE_CHARS
        ? `${value.slice(0, MAX_ATTRIBUTE_CHARS)}… [${value.length} characters]`
        : value;
  }
  return out;
}
