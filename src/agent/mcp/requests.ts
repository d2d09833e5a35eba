import { abortError } from '../../core/errors.ts';
import { classifyFailure } from './classify.ts';
import type { ServerLink } from './connect-options.ts';
import { mcpError } from './errors.ts';
import type { Session } from './session.ts';
import type { SessionKeeper } from './session-keeper.ts';

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  /** Whether a request whose session was lost may be sent once more on the new one (it changes nothing). */
  retry: boolean;
}

/**
 * Runs one request on the live session. A session lost before the answer came is retried once on
 * the new session when `retry` allows (read-only tools, listing, reading); a sign-in finished
 * without a person (the command-line client's step-up) is retried once too.
 */
export async function runRequest<T>(
  link: ServerLink,
  keeper: SessionKeeper,
  doing: string,
  options: RequestOptions,
  run: (session: Session, signal: AbortSignal, remainingMs: number) => Promise<T>,
  onAttempt?: (session: Session, retry: boolean) => void,
): Promise<T> {
  const server = link.config.id;
  const started = performance.now();
  for (let round = 0; ; round++) {
    let session: Session;
    // Waiting for a session is bounded by the call's own timeout (only built when there is a wait).
    const live = keeper.live();
    const deadline = live
      ? undefined
      : AbortSignal.timeout(Math.max(1, Math.round(options.timeoutMs - (performance.now() - started))));
    try {
      session =
        live ??
        (await keeper.ready(options.signal ? AbortSignal.any([options.signal, deadline!]) : deadline));
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal.reason);
      if (deadline?.aborted) {
        throw mcpError(
          'MCP_TIMEOUT',
          `The MCP server "${server}" could not be reached within ${options.timeoutMs} ms (${doing}).`,
          { cause: error },
        );
      }
      throw error;
    }
    onAttempt?.(session, round > 0);
    try {
      // The SDK's own timeout (which sends notifications/cancelled) is the deadline; the
      // caller's signal is passed as is, so an abort also sends notifications/cancelled.
      const remainingMs = Math.max(1, Math.round(options.timeoutMs - (performance.now() - started)));
      return await run(session, options.signal ?? new AbortController().signal, remainingMs);
    } catch (error) {
      if (options.signal?.aborted) throw abortError(options.signal.reason);
      const code =
        error instanceof link.sdk.UnauthorizedError ? link.options.oauth?.takeAuthorizationCode() : undefined;
      if (code !== undefined && round === 0) {
        await session.transport.finishAuth(code);
        continue;
      }
      const failure = classifyFailure(link.sdk, error, {
        server,
        url: link.url,
        oauth: link.options.oauth !== undefined,
        doing,
        timeoutMs: options.timeoutMs,
        ...(session.ended ? { ended: session.ended } : {}),
        ...(session.invalidMessage ? { invalidMessage: session.invalidMessage } : {}),
      });
      if (failure.code === 'MCP_SESSION_LOST' && options.retry && round === 0) continue;
      if (failure.code === 'MCP_SIGN_IN_REQUIRED' || failure.code === 'MCP_UNAUTHORIZED')
        keeper.afterFailure(failure);
      throw failure;
    }
  }
}
