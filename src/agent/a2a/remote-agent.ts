/**
 * The only module that imports @a2a-js/sdk's code; connect.ts loads it with `import()`, so the SDK (and its
 * 0.3 compatibility layer) is a chunk of its own that a page fetches when it first talks to an agent.
 */
import type { AgentCard } from '@a2a-js/sdk';
import {
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory,
  type Client,
} from '@a2a-js/sdk/client';
import { cardUrlFor, chooseInterface, readCard } from './card.ts';
import { a2aError } from './errors.ts';
import { followTask, pollOnce, type FollowSettings } from './follow-task.ts';
import { checkInput, type CheckedConnectOptions } from './input.ts';
import { toSdkMessage } from './messages.ts';
import { a2aFetch } from './network.ts';
import { TaskTracker } from './task-tracker.ts';
import type { A2AAgent, A2AAgentCard, A2AInput, A2AResult, A2ASendOptions } from './types.ts';

export async function openRemoteAgent(options: CheckedConnectOptions): Promise<A2AAgent> {
  const fetcher = a2aFetch({ ...(options.fetch ? { fetch: options.fetch } : {}), headers: options.headers });
  const cardUrl = cardUrlFor(options.url);
  const raw = await readCard(fetcher, cardUrl, options.signal);
  const legacyCompat = { enabled: true };
  let card: AgentCard;
  try {
    // Translates a 0.3 card (and a 1.0 card in protobuf JSON) to the 1.0 shape the client wants.
    card = new DefaultAgentCardResolver({ legacyCompat }).normalizeAgentCard(raw);
  } catch (error) {
    throw a2aError(
      'A2A_CARD_INVALID',
      `The agent card at ${cardUrl.href} could not be read: ${error instanceof Error ? error.message : error}.`,
      { url: cardUrl.href },
      error,
    );
  }
  const chosen = chooseInterface(card, cardUrl, options.allowedOrigins);
  const factory = new ClientFactory({
    transports: [
      new JsonRpcTransportFactory({ fetchImpl: fetcher, legacyCompat }),
      new RestTransportFactory({ fetchImpl: fetcher, legacyCompat }),
    ],
  });
  const client = await factory.createFromAgentCard(chosen.card);
  return new RemoteAgent(options.url, chosen.summary, client, {
    agentName: chosen.summary.name,
    streaming: chosen.summary.streaming,
    maxReconnects: options.maxReconnects,
    reconnectDelayMs: options.reconnectDelayMs,
    idleTimeoutMs: options.idleTimeoutMs,
  });
}

class RemoteAgent implements A2AAgent {
  constructor(
    readonly url: string,
    readonly card: A2AAgentCard,
    private readonly client: Client,
    private readonly settings: FollowSettings,
  ) {}

  send(input: A2AInput, options: A2ASendOptions = {}): Promise<A2AResult> {
    const checked = checkInput(input);
    const request = {
      tenant: '',
      message: toSdkMessage(checked),
      configuration: undefined,
      metadata: undefined,
    };
    return followTask(
      this.client,
      (signal) => this.client.sendMessageStream(request, { signal }),
      this.settings,
      options,
      new TaskTracker(this.settings.agentName, options.onEvent, { answering: checked.taskId !== undefined }),
    );
  }

  resume(taskId: string, options: A2ASendOptions = {}): Promise<A2AResult> {
    const tracker = new TaskTracker(this.settings.agentName, options.onEvent);
    tracker.taskId = taskId;
    return followTask(
      this.client,
      this.settings.streaming
        ? (signal) => this.client.resubscribeTask({ tenant: '', id: taskId }, { signal })
        : (signal) => pollOnce(this.client, taskId, signal),
      this.settings,
      options,
      tracker,
    );
  }

  async cancel(taskId: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await this.client.cancelTask({ tenant: '', id: taskId, metadata: undefined }, options);
      return true;
    } catch (error) {
      if (options.signal?.aborted) throw error;
      return false;
    }
  }
}
