/**
 * Both libraries are written against fetch, whose rule is that a call stopped by its signal rejects
 * with the signal's reason (an `AbortError` DOMException unless the caller gave another). They read
 * that name to tell a cancelled run from a failed one, so Hearth's ABORTED error is handed on as
 * the reason; any other failure passes unchanged.
 */
export function asAbortReason(error: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted ? signal.reason : error;
}
