import type { SpanRecord } from './span.ts';

/**
 * OTLP/JSON, OpenTelemetry's own wire format (an `ExportTraceServiceRequest`), so a collector's
 * /v1/traces accepts it as it is. As that format requires, trace and span ids are hex strings (not
 * base64), 64-bit integers are decimal strings, and enums are numbers.
 */
export interface OtlpTraceExport {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpan[] }>;
  }>;
}

export interface OtlpKeyValue {
  key: string;
  value: { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** SPAN_KIND_INTERNAL (1): everything here runs on this device. */
  kind: 1;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  /** STATUS_CODE_UNSET 0, OK 1, ERROR 2. */
  status: { code: 0 | 1 | 2; message?: string };
}

export const OTLP_SCOPE = { name: '@hearth-runtime/hearth/agent', version: '1' };

export function toOtlp(spans: readonly SpanRecord[], serviceName = 'hearth'): OtlpTraceExport {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: serviceName } },
            { key: 'telemetry.sdk.name', value: { stringValue: 'hearth' } },
          ],
        },
        scopeSpans: [{ scope: { ...OTLP_SCOPE }, spans: [...spans].sort(byStart).map(toOtlpSpan) }],
      },
    ],
  };
}

const byStart = (a: SpanRecord, b: SpanRecord) => a.start - b.start;

function toOtlpSpan(span: SpanRecord): OtlpSpan {
  // A span still open when exported (its page went away mid-call) ends where it started, marked.
  const open = span.end === undefined;
  const attributes = Object.entries(span.attributes).map(([key, value]) => keyValue(key, value));
  attributes.push({ key: 'hearth.span.kind', value: { stringValue: span.kind } });
  if (open) attributes.push({ key: 'hearth.span.unfinished', value: { boolValue: true } });
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: 1,
    startTimeUnixNano: unixNanos(span.start),
    endTimeUnixNano: unixNanos(span.end ?? span.start),
    attributes,
    status:
      span.status === 'error'
        ? { code: 2, ...(span.statusMessage ? { message: span.statusMessage } : {}) }
        : { code: span.status === 'ok' ? 1 : 0 },
  };
}

function keyValue(key: string, value: string | number | boolean): OtlpKeyValue {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return Number.isSafeInteger(value)
    ? { key, value: { intValue: String(value) } }
    : { key, value: { doubleValue: value } };
}

/** ms since the epoch (fractional, µs precise) → integer ns as a decimal string, without float rounding past 2^53. */
function unixNanos(ms: number): string {
  const wholeMs = Math.floor(ms);
  const nanosInMs = Math.round((ms - wholeMs) * 1e6);
  return (BigInt(wholeMs) * 1_000_000n + BigInt(Math.min(nanosInMs, 999_999))).toString();
}
