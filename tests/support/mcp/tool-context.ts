import type { ToolContext, ToolProgress } from '../../../src/agent/tool.ts';

export interface RecordedContext extends ToolContext {
  progressed: ToolProgress[];
  spans: Array<{
    name: string;
    attributes: Record<string, string | number | boolean>;
    ended: boolean;
    error?: unknown;
  }>;
}

/** What the agent loop hands a tool, recording what the tool reports through it. */
export function toolContext(signal: AbortSignal = new AbortController().signal): RecordedContext {
  const progressed: ToolProgress[] = [];
  const spans: RecordedContext['spans'] = [];
  return {
    signal,
    runId: 'run-1',
    callId: 'call-1',
    progressed,
    spans,
    progress: (update) => progressed.push(update),
    startSpan(name, attributes = {}) {
      const span: RecordedContext['spans'][number] = { name, attributes: { ...attributes }, ended: false };
      spans.push(span);
      return {
        setAttributes: (more) => Object.assign(span.attributes, more),
        end(error?: unknown) {
          if (span.ended) return;
          span.ended = true;
          if (error !== undefined) span.error = error;
        },
      };
    },
  };
}
