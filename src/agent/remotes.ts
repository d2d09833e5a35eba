/**
 * The remote (A2A) agents a pipeline may name, found by address: those the app passed, then those the user
 * added (the A2A agent store, which keeps the origins each may send to). A pipeline cannot reach an address
 * that is in neither: a pipeline someone shares must not send the user's words to a server the user never chose.
 */
import { isHearthError, toHearthError } from '../core/errors.ts';
import type { A2AAgentStore } from './a2a/agent-store.ts';
import type { A2AAgent, A2AConnectOptions } from './a2a/types.ts';
import { agentError } from './errors.ts';
import type { PipelineProblem } from './pipeline/check.ts';
import { isA2AAgent, type Pipeline } from './pipeline/schema.ts';

export interface RemoteAgentOptions {
  /** Agents pipelines may name besides the stored ones (from `connectA2AAgent` or `a2aAgentFromCard`). */
  agents?: readonly A2AAgent[];
  /** Where the agents the user added are kept; default `new A2AAgentStore()` (`hearth-a2a`); false: none. */
  store?: A2AAgentStore | false;
  /** Credentials and tuning for connecting to stored agents (their allowed origins come from the store). */
  connect?: Omit<A2AConnectOptions, 'signal' | 'allowedOrigins'>;
}

/** How long the check before a run waits for a remote agent's card. */
const CONNECT_TIMEOUT_MS = 15_000;

/** The address as the store keys it (`new URL(url).href`), so `https://a.example` and `https://a.example/` are one. */
export const agentAddress = (url: string): string => new URL(url).href;

/**
 * One run's remote agents: each address connected once (the card fetched and checked), shared by the run's
 * nested runs.
 */
export class RemoteAgents {
  private readonly connected = new Map<string, Promise<A2AAgent>>();

  constructor(
    private readonly options: RemoteAgentOptions,
    private readonly store: A2AAgentStore | undefined,
  ) {}

  /** The agent at `url`; throws AGENT_REMOTE_UNKNOWN, or the A2A error that kept it from connecting. */
  get(url: string, signal?: AbortSignal): Promise<A2AAgent> {
    const address = agentAddress(url);
    let agent = this.connected.get(address);
    if (!agent) {
      agent = this.connect(address, signal);
      this.connected.set(address, agent);
      // A failed connection is tried again next time (the agent may be back).
      agent.catch(() => this.connected.delete(address));
    }
    return agent;
  }

  private async connect(address: string, signal: AbortSignal | undefined): Promise<A2AAgent> {
    const given = this.options.agents?.find((agent) => agentAddress(agent.url) === address);
    if (given) return given;
    const record = await this.store?.get(address);
    if (!record) {
      throw agentError(
        'AGENT_REMOTE_UNKNOWN',
        `The pipeline names the remote agent ${address}, which is not one of the A2A agents you added: add it ` +
          '(Agents view) if you trust it, then run again.',
      );
    }
    const timeout = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
    const bounded = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let checked;
    try {
      // `check` connects and keeps the outcome in the store, so the Agents view shows what the run found.
      checked = await this.store!.check(address, { ...this.options.connect, signal: bounded });
    } catch (error) {
      if (signal?.aborted || !timeout.aborted) throw error;
      throw agentError(
        'AGENT_REMOTE_UNAVAILABLE',
        `The remote agent ${address} did not send its card within ${CONNECT_TIMEOUT_MS / 1000} s: check that it runs.`,
        { url: address },
      );
    }
    if (checked.agent) return checked.agent;
    const error = checked.record.error;
    throw agentError(
      'AGENT_REMOTE_UNAVAILABLE',
      `The remote agent ${address} cannot be used: ${error?.message ?? 'it did not connect.'}` +
        (error?.code ? ` (${error.code})` : ''),
      { url: address, cause: error },
    );
  }

  /**
   * Before a run: connects to every remote agent the pipeline names, so one that is unknown or unreachable
   * stops the run before anything is written or any model runs. Each failure is a problem at its JSON path.
   */
  async check(pipeline: Pipeline, signal?: AbortSignal): Promise<PipelineProblem[]> {
    const remotes = pipeline.agents.flatMap((node, i) => (isA2AAgent(node) ? [{ node, i }] : []));
    const outcomes = await Promise.all(
      remotes.map(async ({ node, i }): Promise<PipelineProblem | undefined> => {
        try {
          await this.get(node.url, signal);
          return undefined;
        } catch (error) {
          if (signal?.aborted || isHearthError(error, 'ABORTED')) throw error;
          const failure = toHearthError(error);
          return {
            code:
              failure.code === 'AGENT_REMOTE_UNKNOWN' ? 'AGENT_REMOTE_UNKNOWN' : 'AGENT_REMOTE_UNAVAILABLE',
            path: ['agents', i, 'url'],
            message: `"${node.name}": ${failure.message}`,
          };
        }
      }),
    );
    return outcomes.filter((problem) => problem !== undefined);
  }
}
