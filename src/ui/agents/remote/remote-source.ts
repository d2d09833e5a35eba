import type { AgentTool } from '../../../runtime/index.ts';

/**
 * The one shape the remote tools panel lists, whatever is behind it: an MCP server (tools) or an A2A
 * agent (one tool that talks to it, and its skills). Each kind has a provider over its own store; the
 * panel and the pipeline's tool list see only this.
 */
export type RemoteKind = 'mcp' | 'a2a';

/**
 * unchecked: added, never reached; connecting (or reconnecting, after losing it): under way; ready:
 * its tools are known (the last check worked); needs-sign-in: it refused without credentials; failed:
 * the last attempt failed for another reason (the problem says).
 */
export type RemoteState = 'unchecked' | 'connecting' | 'reconnecting' | 'ready' | 'needs-sign-in' | 'failed';

export interface RemoteTool {
  /** The name a pipeline's agent lists in `tools`. */
  name: string;
  /** The name on the server, or the agent's name. */
  label: string;
  description: string;
  /** Each call asks you first. */
  asksFirst: boolean;
}

export interface RemoteSkill {
  name: string;
  description: string;
}

export interface RemoteSource {
  kind: RemoteKind;
  id: string;
  /** What the server or agent calls itself (remote text: shown as text, never as HTML). */
  name: string;
  url: string;
  /** How Hearth signs in: nothing, a token it sends, or OAuth through the browser. */
  signIn: 'none' | 'token' | 'oauth';
  /** A token is saved, or OAuth tokens are held. */
  signedIn: boolean;
  state: RemoteState;
  problem?: { code: string; message: string };
  checkedAt?: number;
  tools: RemoteTool[];
  /** Server tools not offered to agents, each with why (a schema Hearth cannot use, say). */
  leftOut: string[];
  /** An A2A agent's skills. */
  skills: RemoteSkill[];
  /** An MCP server's prompts. */
  prompts: RemoteSkill[];
  /** An MCP server's resources: what each is called and its address on the server. */
  resources: RemoteSkill[];
}

/** One kind of remote source, over its own store. */
export interface RemoteProvider {
  readonly kind: RemoteKind;
  list(): Promise<RemoteSource[]>;
  /** Connects, reads what it offers, and keeps the outcome (resolves either way: the source says how it went). */
  check(id: string, signal?: AbortSignal): Promise<void>;
  remove(id: string): Promise<void>;
  /** Saves (or, with null, forgets) the token sent to it. */
  setToken(id: string, token: string | null): Promise<void>;
  /** The tools of every source that is known to work, ready for `hearth.agents.tools.register`. */
  agentTools(): Promise<AgentTool[]>;
  /** OAuth: sends the page to the server's sign-in (it comes back to the app). */
  signIn?(id: string): void;
  /** OAuth: revokes the tokens where the server allows, and forgets them. */
  signOut?(id: string): Promise<void>;
}
