/** A call's answer as its record holds it, and as the step's results join the thread. */
import type { ThreadItem, ToolCallStatus } from '../items.ts';
import type { CallRecord, Step } from '../run-record.ts';

/** Marks the call done with its answer; the size is the text's unless the result was shaped already. */
export function settle(
  call: CallRecord,
  status: ToolCallStatus,
  output: string,
  shaped?: { truncated: boolean; bytes: number },
): void {
  call.state = 'done';
  call.result = {
    output,
    status,
    truncated: shaped?.truncated ?? false,
    bytes: shaped?.bytes ?? new TextEncoder().encode(output).length,
  };
}

/** The step's settled calls as thread items, in call order (the model reads them in that order). */
export function resultItems(step: Step): ThreadItem[] {
  return step.calls.map((call) => ({
    type: 'tool_result',
    agent: step.agent,
    callId: call.callId,
    tool: call.tool,
    output: call.result!.output,
    status: call.result!.status,
    truncated: call.result!.truncated,
    bytes: call.result!.bytes,
  }));
}
