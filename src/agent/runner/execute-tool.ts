import { abortError, HearthError } from '../../core/errors.ts';
import type { AgentTool, ToolContext } from '../tool.ts';

export type ToolOutcome =
  | { status: 'ok'; value: unknown }
  | { status: 'error'; message: string }
  | { status: 'timeout'; message: string };

export interface ExecuteToolOptions {
  tool: AgentTool;
  args: unknown;
  /** The run's signal: its abort stops the call and rejects with ABORTED. */
  signal: AbortSignal;
  timeoutMs: number;
  context: Omit<ToolContext, 'signal'>;
}

/**
 * Runs one call with its timeout and the run's abort. The tool's signal fires on either; the loop
 * stops waiting at once, so a tool that ignores its signal (or never settles) cannot hold the run.
 */
export async function executeTool(options: ExecuteToolOptions): Promise<ToolOutcome> {
  const { tool, args, signal, timeoutMs } = options;
  if (signal.aborted) throw abortError(signal.reason);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: () => void = () => undefined;
  const stopped = new Promise<'abort' | 'timeout'>((resolve) => {
    onAbort = () => {
      controller.abort(signal.reason);
      resolve('abort');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(() => {
      controller.abort(new DOMException(`${tool.name} timed out after ${timeoutMs} ms`, 'TimeoutError'));
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const running = Promise.resolve()
      .then(() => tool.execute(args, { ...options.context, signal: controller.signal }))
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    const outcome = await Promise.race([running, stopped]);
    if (outcome === 'abort') throw abortError(signal.reason);
    if (outcome === 'timeout') {
      return {
        status: 'timeout',
        message: `The tool ${tool.name} did not finish within ${timeoutMs} ms and was stopped.`,
      };
    }
    if ('error' in outcome) {
      if (signal.aborted) throw abortError(signal.reason);
      return { status: 'error', message: `The tool ${tool.name} failed: ${describe(outcome.error)}` };
    }
    return { status: 'ok', value: outcome.value };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

function describe(error: unknown): string {
  if (error instanceof HearthError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
