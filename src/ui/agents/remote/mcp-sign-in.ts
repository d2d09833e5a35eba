/**
 * The page an MCP server's sign-in sends the person back to is the app itself, with `code` and
 * `state` in its query. This finishes that sign-in (the runtime checks the state against one this
 * browser started and exchanges the code), then puts the address back to where the person was (the
 * Agents view), and leaves a word for the view to show. main.ts runs it before any view opens.
 */
const OUTCOME_KEY = 'hearth:mcp-sign-in';

export type SignInOutcome = { ok: true; serverId: string } | { ok: false; message: string };

export function isSignInReturn(search = location.search): boolean {
  const query = new URLSearchParams(search);
  return query.has('state') && (query.has('code') || query.has('error'));
}

export async function finishMcpSignIn(): Promise<void> {
  const { completeMcpSignIn, McpServerStore } = await import('../../../runtime/index.ts');
  const store = new McpServerStore();
  let returnTo = `${location.origin}${location.pathname}#/agents`;
  let outcome: SignInOutcome;
  try {
    const pending = await completeMcpSignIn(location.href, { store });
    outcome = { ok: true, serverId: pending.serverId };
    if (new URL(pending.returnTo).origin === location.origin) returnTo = pending.returnTo;
  } catch (error) {
    outcome = { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    store.close();
  }
  sessionStorage.setItem(OUTCOME_KEY, JSON.stringify(outcome));
  // The code must not stay in the address bar or the history.
  history.replaceState(null, '', returnTo);
}

/** The outcome of a sign-in that just finished, once. */
export function takeSignInOutcome(): SignInOutcome | null {
  const text = sessionStorage.getItem(OUTCOME_KEY);
  sessionStorage.removeItem(OUTCOME_KEY);
  try {
    const value = JSON.parse(text ?? 'null') as SignInOutcome | null;
    return value && typeof value.ok === 'boolean' ? value : null;
  } catch {
    return null;
  }
}
