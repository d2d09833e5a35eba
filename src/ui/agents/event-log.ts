import type { AgentEvent } from '../../runtime/index.ts';

/**
 * A run's events as lines a person reads: who did what, with the numbers that matter. Token deltas
 * are not lines (the answer shows them); everything here is plain text, put into the page as text,
 * never as HTML: arguments and results come from the model and from remote tools.
 */
export interface LogLine {
  type: Exclude<AgentEvent['type'], 'text_delta'>;
  /** Which agent (or step) it concerns. */
  agent: string;
  /** From a nested run (an agent called as a tool, a fan-out branch). */
  nested: boolean;
  text: string;
  /** Longer content shown on request: arguments, a result. */
  detail?: string;
  tone: 'info' | 'ok' | 'warn' | 'error';
}

const MAX_DETAIL = 2_000;

export function describeEvent(event: AgentEvent): LogLine | null {
  const nested = event.parentRunId !== undefined;
  switch (event.type) {
    case 'text_delta':
      return null;
    case 'run_started':
      return line(event, event.agent, nested, `${event.resumed ? 'Resumed' : 'Started'} with ${event.agent}`);
    case 'turn_finished': {
      const u = event.usage;
      const calls = event.toolCalls.map((c) => c.tool).join(', ');
      const what = calls ? `asked for ${calls}` : 'answered';
      return line(
        event,
        event.agent,
        nested,
        `${event.agent}, turn ${event.turn}: ${what} (${u.prompt_tokens} prompt tokens, ${u.cached_prompt_tokens} cached, ${u.completion_tokens} new${event.adapter ? `, adapter ${event.adapter}` : ''})`,
      );
    }
    case 'tool_call_started':
      return line(
        event,
        event.agent,
        nested,
        `${event.agent} calls ${event.tool}${event.rerun ? ' again (after the page closed)' : ''}`,
        'info',
        preview(event.arguments),
      );
    case 'tool_progress':
      return line(event, event.agent, nested, `${event.tool}: ${event.progress.message ?? 'working'}`);
    case 'tool_call_finished': {
      const tone = event.status === 'ok' ? 'ok' : event.status === 'rejected' ? 'warn' : 'error';
      const cut = event.truncated ? `, cut to fit (${event.bytes} bytes in all)` : '';
      return line(
        event,
        event.agent,
        nested,
        `${event.tool} ${statusWords[event.status]} in ${Math.round(event.durationMs)} ms${cut}`,
        tone,
        clip(event.output),
      );
    }
    case 'approval_requested': {
      const i = event.interruption;
      const words =
        i.kind === 'approval'
          ? `${i.agent} wants to call ${i.tool}: waiting for your answer`
          : `${i.tool} was running when the page closed: run it again?`;
      return line(event, i.agent, nested, words, 'warn', preview(i.arguments));
    }
    case 'handoff':
      return line(event, event.from, nested, `${event.from} hands over to ${event.to}`);
    case 'error':
      return line(event, '', nested, `${event.error.message} (${event.error.code})`, 'error');
    case 'run_finished': {
      const u = event.usage;
      const numbers = `${u.model_calls} model calls, ${u.tool_calls} tool calls, ${u.total_tokens} tokens`;
      const words: Record<typeof event.status, string> = {
        completed: `Finished by ${event.agent}`,
        paused: 'Paused: it waits for you',
        failed: 'Failed',
        aborted: 'Stopped',
      };
      const tone = event.status === 'completed' ? 'ok' : event.status === 'paused' ? 'warn' : 'error';
      return line(event, event.agent, nested, `${words[event.status]} (${numbers})`, tone);
    }
  }
}

export const statusWords: Record<Extract<AgentEvent, { type: 'tool_call_finished' }>['status'], string> = {
  ok: 'answered',
  error: 'failed',
  invalid_arguments: 'got arguments that do not fit',
  unknown_tool: 'is not a tool of this agent',
  timeout: 'timed out',
  rejected: 'was refused by you',
  aborted: 'was stopped',
  interrupted: 'was not run again',
};

function line(
  event: AgentEvent,
  agent: string,
  nested: boolean,
  text: string,
  tone: LogLine['tone'] = 'info',
  detail?: string,
): LogLine {
  return {
    type: event.type as LogLine['type'],
    agent,
    nested,
    text,
    tone,
    ...(detail ? { detail } : {}),
  };
}

/** Arguments as indented JSON (they are parsed values), cut to a readable length. */
export function preview(value: unknown): string {
  if (value === undefined) return '';
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
  } catch {
    text = String(value);
  }
  return clip(text);
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}… (${text.length} characters in all)` : text;
}
