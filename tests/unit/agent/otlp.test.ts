import 'fake-indexeddb/auto';
import path from 'node:path';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createAgents,
  memoryLocks,
  type AgentsApi,
  type OtlpTraceExport,
  type PipelineInput,
} from '../../../src/agent/index.ts';
import { ScriptedModel } from '../../support/scripted-model.ts';

/**
 * Reads Hearth's OTLP/JSON export with a decoder built from OpenTelemetry's published .proto files
 * (tests/fixtures/opentelemetry-proto, v1.9.0), not with Hearth's own types. OTLP/JSON is the
 * proto3 JSON mapping with OTLP's rules on top: trace and span ids are hex (not base64), enums are
 * numbers, field names lowerCamelCase. Every key must be a field of the message it sits in.
 */
const protoRoot = path.resolve(import.meta.dirname, '../../fixtures/opentelemetry-proto');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(protoRoot, target);
root.loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto');
root.resolveAll();
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

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

function decode(exported: OtlpTraceExport) {
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

const hex = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

let counter = 0;
const open: AgentsApi[] = [];
afterEach(() => {
  while (open.length) open.pop()!.dispose();
});

const pipeline: PipelineInput = {
  version: 1,
  name: 'traced',
  entry: 'triage',
  agents: [
    { name: 'triage', handoffs: ['math'] },
    { name: 'math', tools: ['calculator'], adapter: 'math@1' },
  ],
};

describe('traces exported as OTLP/JSON', () => {
  it('decode with the published opentelemetry-proto definitions; two concurrent runs keep separate traces', async () => {
    // Both runs interleave: each turn waits, so the second run starts and runs while the first does.
    const model = new ScriptedModel((request) => {
      const last = request.messages.at(-1)!;
      if (last.role === 'system' && last.content.includes('You are triage'))
        return { calls: [{ name: 'transfer_to_math' }], delayMs: 20 };
      if (last.role === 'system')
        return { calls: [{ name: 'calculator', arguments: { expression: '2+3' } }], delayMs: 20 };
      return { text: '5', delayMs: 20 };
    });
    const agents = createAgents({
      model,
      databaseName: `agents-otlp-${process.pid}-${counter++}`,
      locks: memoryLocks(),
    });
    open.push(agents);
    const [a, b] = await Promise.all([
      agents.run({ pipeline, input: 'first' }).result,
      agents.run({ pipeline, input: 'second' }).result,
    ]);
    const traces = new Map<string, ReturnType<typeof decode>>();
    for (const run of [a, b]) traces.set(run.runId, decode(await agents.traces.exportOtlp(run.runId)));

    const idsOf = new Map<string, Set<string>>();
    for (const [runId, decoded] of traces) {
      const spans = decoded.resourceSpans[0]!.scopeSpans[0]!.spans;
      expect(decoded.resourceSpans[0]!.resource.attributes).toContainEqual({
        key: 'service.name',
        value: { stringValue: 'hearth' },
      });
      const traceIds = new Set(spans.map((s) => hex(s.traceId)));
      expect(traceIds.size).toBe(1);
      const spanIds = new Set(spans.map((s) => hex(s.spanId)));
      idsOf.set(runId, spanIds);
      // One root; every other span's parent is in the same trace.
      const roots = spans.filter((s) => !s.parentSpanId);
      expect(roots.map((s) => s.name)).toEqual(['run traced']);
      for (const span of spans) {
        if (span.parentSpanId) expect(spanIds.has(hex(span.parentSpanId)), span.name).toBe(true);
        expect(BigInt(span.endTimeUnixNano) >= BigInt(span.startTimeUnixNano)).toBe(true);
        expect(span.kind).toBe(1);
        expect(span.status?.code).toBe(1);
      }
      const names = spans.map((s) => s.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'invoke_agent triage',
          'chat triage',
          'handoff triage → math',
          'invoke_agent math',
          'chat math',
          'execute_tool calculator',
        ]),
      );
      const chat = spans.find((s) => s.name === 'chat math')!;
      const attr = (key: string) => chat.attributes.find((x) => x.key === key)?.value;
      expect(attr('hearth.adapter')).toEqual({ stringValue: 'math@1' });
      expect(attr('gen_ai.usage.input_tokens')).toHaveProperty('intValue');
      expect(attr('hearth.usage.cached_prompt_tokens')).toEqual({ intValue: '0' });
      const tool = spans.find((s) => s.name === 'execute_tool calculator')!;
      expect(tool.attributes.find((x) => x.key === 'gen_ai.tool.call.result')?.value).toEqual({
        stringValue: '{"expression":"2+3","value":5}',
      });
      // The ids as written in the JSON are the ids the protobuf decoder read.
      const exported = (await agents.traces.exportOtlp(runId)).resourceSpans[0]!.scopeSpans[0]!.spans;
      expect(new Set(exported.map((s) => s.spanId))).toEqual(spanIds);
    }
    const [first, second] = [...idsOf.values()];
    expect([...first!].filter((id) => second!.has(id))).toEqual([]);
    const traceOf = (runId: string) =>
      hex(traces.get(runId)!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId);
    expect(traceOf(a.runId)).not.toBe(traceOf(b.runId));
    // The two runs really overlapped in time.
    const span = (runId: string) =>
      traces.get(runId)!.resourceSpans[0]!.scopeSpans[0]!.spans.find((s) => !s.parentSpanId)!;
    expect(BigInt(span(b.runId).startTimeUnixNano) < BigInt(span(a.runId).endTimeUnixNano)).toBe(true);
  });

  it('the decoder refuses base64 ids, so the hex rule is really checked', () => {
    const exported: OtlpTraceExport = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              scope: { name: 'x', version: '1' },
              spans: [
                {
                  traceId: Buffer.alloc(16, 1).toString('base64'),
                  spanId: '0101010101010101',
                  name: 'x',
                  kind: 1,
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                  attributes: [],
                  status: { code: 0 },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(() => decode(exported)).toThrow(/lowercase hex/);
    expect(() =>
      decode({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [], extra: 1 } as never] }),
    ).toThrow(/not a field/);
  });
});
