import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../../src/agent/index.ts';
import { describeEvent, preview } from '../../../src/ui/agents/event-log.ts';

const usage = { prompt_tokens: 300, completion_tokens: 20, total_tokens: 320, cached_prompt_tokens: 250 };

describe('run events as lines', () => {
  it('leaves token deltas to the answer', () => {
    expect(describeEvent({ type: 'text_delta', runId: 'r', agent: 'a', delta: 'x' })).toBeNull();
  });

  it('says what a turn cost and what it asked for', () => {
    const line = describeEvent({
      type: 'turn_finished',
      runId: 'r',
      agent: 'scribe',
      turn: 1,
      text: null,
      toolCalls: [{ callId: 'c', tool: 'save_note', arguments: '{}' }],
      usage,
      adapter: 'notes@2',
    } as AgentEvent)!;
    expect(line.text).toBe(
      'scribe, turn 1: asked for save_note (300 prompt tokens, 250 cached, 20 new, adapter notes@2)',
    );
  });

  it('tells a refused call from a failed one, and marks nested runs', () => {
    const finished = (status: string) =>
      describeEvent({
        type: 'tool_call_finished',
        runId: 'child',
        parentRunId: 'root',
        agent: 'math',
        callId: 'c',
        tool: 'calculator',
        status,
        output: 'x'.repeat(3_000),
        truncated: true,
        bytes: 3_000,
        durationMs: 12.6,
      } as AgentEvent)!;
    expect(finished('rejected')).toMatchObject({ tone: 'warn', nested: true });
    expect(finished('timeout').text).toBe('calculator timed out in 13 ms, cut to fit (3000 bytes in all)');
    expect(finished('ok').detail!.length).toBeLessThan(2_100);
  });

  it('says what an approval waits on, with the arguments', () => {
    const line = describeEvent({
      type: 'approval_requested',
      runId: 'r',
      interruption: {
        id: 'i',
        kind: 'approval',
        runId: 'r',
        callId: 'c',
        agent: 'scribe',
        tool: 'save_note',
        arguments: { text: '<b>hi</b>' },
        requestedAt: 0,
        spanId: 's',
      },
    })!;
    expect(line.text).toBe('scribe wants to call save_note: waiting for your answer');
    expect(line.detail).toBe('{\n  "text": "<b>hi</b>"\n}');
  });

  it('shows any value as text, even one JSON cannot hold', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(preview(circular)).toBe('[object Object]');
    expect(preview('plain')).toBe('plain');
    expect(preview(undefined)).toBe('');
  });
});
