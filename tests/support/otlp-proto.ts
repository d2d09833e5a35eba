import path from 'node:path';
import protobuf from 'protobufjs';
import type { OtlpTraceExport } from '../../src/agent/index.ts';

/**
 * Reads Hearth's OTLP/JSON export with a decoder built from OpenTelemetry's published .proto files
 * (tests/fixtures/opentelemetry-proto, v1.9.0), not with Hearth's own types. OTLP/JSON is the
 * proto3 JSON mapping with OTLP's rules on top: trace and span ids are hex (not base64), enums are
 * numbers, field names lowerCamelCase. Every key must be a field of the message it sits in.
 */
const protoRoot = path.resolve(import.meta.dirname, '../fixtures/opentelemetry-proto');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(protoRoot, target);
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
root.resolveAll();
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

/** The span kinds by their names in the published trace.proto (`SPAN_KIND_CLIENT`, …). */
export const SPAN_KIND = root.lookupEnum('opentelemetry.proto.trace.v1.Span.SpanKind').values;

const HEX_ID_BYTES: Record<string, number> = { traceId: 16, spanId: 8, parentSpanId: 8 };

/** Checks OTLP/JSON against the message type and turns it into what protobufjs's fromObject reads (bytes as base64). */
function fromOtlpJson(type: protobuf.Type, json: unknown, at = type.name): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${at}: expected an object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key];
    if (!field) throw new Error(`${at}.${key}: not a field of ${type.fullName}`);
    field.resolve();
    const convert = (item: unknown, where: string): unknown => {
      if (field.resolvedType instanceof protobuf.Type) return fromOtlpJson(field.resolvedType, item, where);
      if (field.resolvedType instanceof protobuf.Enum) {
        if (typeof item !== 'number' || !Object.values(field.resolvedType.values).includes(item))
          throw new Error(
            `${where}: enum ${field.resolvedType.name} must be one of its numbers, got ${JSON.stringify(item)}`,
          );
        return item;
      }
      if (field.type === 'bytes') {
        const bytes = HEX_ID_BYTES[key];
        if (bytes === undefined) throw new Error(`${where}: unexpected bytes field`);
        if (typeof item !== 'string' || !new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(item))
          throw new Error(
            `${where}: ids are ${bytes * 2} lowercase hex digits in OTLP/JSON, got ${JSON.stringify(item)}`,
          );
        return Buffer.from(item, 'hex').toString('base64');
      }
      if (field.type === 'fixed64' || field.type === 'int64') {
        if (typeof item !== 'string' || !/^\d+$/.test(item))
          throw new Error(`${where}: 64-bit integers as decimal strings`);
        return item;
      }
      return item;
    };
    out[key] = field.repeated
      ? (value as unknown[]).map((item, i) => convert(item, `${at}.${key}[${i}]`))
      : convert(value, `${at}.${key}`);
  }
  return out;
}

export function decodeOtlp(exported: OtlpTraceExport) {
  const object = fromOtlpJson(Request, JSON.parse(JSON.stringify(exported)));
  const typed = Request.fromObject(object);
  const problem = Request.verify(typed);
  if (problem) throw new Error(problem);
  const wire = Request.encode(typed).finish();
  const message = Request.decode(wire);
  return Request.toObject(message, { longs: String, bytes: String, enums: Number, defaults: false }) as {
    resourceSpans: Array<{
      resource: { attributes: Array<{ key: string; value: Record<string, unknown> }> };
      scopeSpans: Array<{
        scope: { name: string };
        spans: Array<{
          traceId: string;
          spanId: string;
          parentSpanId?: string;
          name: string;
          kind: number;
          startTimeUnixNano: string;
          endTimeUnixNano: string;
          attributes: Array<{ key: string; value: Record<string, unknown> }>;
          status?: { code?: number };
        }>;
      }>;
    }>;
  };
}

/** An id as the decoder gives it (base64) in OTLP/JSON's hex. */
export const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');
