import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createAgents,
  memoryLocks,
  type AgentsApi,
  type OtlpTraceExport,
  type PipelineInput,
} from '../../../src/agent/index.ts';
import { decodeOtlp as decode, hex } from '../../support/otlp-proto.ts';
import { ScriptedModel } from '../../support/scripted-model.ts';

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
