import { checkConnectOptions } from './input.ts';
import type { A2AAgent, A2AAgentCard, A2AConnectOptions, A2AInput, A2ASendOptions } from './types.ts';

/**
 * Fetches the agent card at `url` (the agent's address, or the card's own URL), checks it, and returns the agent.
 * The first call loads the SDK's chunk.
 */
export async function connectA2AAgent(url: string, options: A2AConnectOptions = {}): Promise<A2AAgent> {
  const checked = checkConnectOptions(url, options);
  const { openRemoteAgent } = await import('./remote-agent.ts');
  return openRemoteAgent(checked);
}

/**
 * An agent known from an earlier visit (the store keeps its card): usable at once, in a tool list say, without
 * touching the network or loading the SDK; it connects (fetching the card afresh) on its first call, and again
 * after a call whose connection failed.
 */
export function a2aAgentFromCard(url: string, card: A2AAgentCard, options: A2AConnectOptions = {}): A2AAgent {
  checkConnectOptions(url, options);
  let connected: Promise<A2AAgent> | undefined;
  const agent = async (signal: AbortSignal | undefined) => {
    connected ??= connectA2AAgent(url, { ...options, ...(signal ? { signal } : {}) });
    try {
      return await connected;
    } catch (error) {
      connected = undefined;
      throw error;
    }
  };
  return {
    url,
    card,
    send: async (input: A2AInput, sendOptions: A2ASendOptions = {}) =>
      (await agent(sendOptions.signal)).send(input, sendOptions),
    resume: async (taskId: string, sendOptions: A2ASendOptions = {}) =>
      (await agent(sendOptions.signal)).resume(taskId, sendOptions),
    cancel: async (taskId: string, cancelOptions: { signal?: AbortSignal } = {}) =>
      (await agent(cancelOptions.signal)).cancel(taskId, cancelOptions),
  };
}
