/**
 * The agent card: where it lives, reading it, checking it, and choosing the one interface the bridge talks to.
 * The card arrives already translated to A2A 1.0 by the SDK (remote-agent.ts), whatever the agent speaks.
 */
import type { AgentCard, AgentInterface } from '@a2a-js/sdk';
import { z } from 'zod';
import { a2aError } from './errors.ts';
import type { A2AAgentCard } from './types.ts';

/** The SDK's rule (`new URL('.well-known/agent-card.json', base)`), unless the address is the card itself. */
export function cardUrlFor(address: string): URL {
  const url = new URL(address);
  return url.pathname.endsWith('.json') ? url : new URL('.well-known/agent-card.json', url);
}

/** A card is a few kilobytes; this bounds what a hostile server can make the page hold. */
const MAX_CARD_BYTES = 1 << 20;

export async function readCard(
  fetchCard: typeof fetch,
  cardUrl: URL,
  signal?: AbortSignal,
): Promise<unknown> {
  const response = await fetchCard(cardUrl, { headers: { 'A2A-Version': '1.0' }, signal });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw a2aError(
      'A2A_CARD_INVALID',
      `No agent card at ${cardUrl.href} (HTTP ${response.status}): check the address; an A2A agent publishes its ` +
        'card at /.well-known/agent-card.json.',
      { url: cardUrl.href, status: response.status },
    );
  }
  const text = await response.text();
  if (text.length > MAX_CARD_BYTES) {
    throw a2aError(
      'A2A_CARD_INVALID',
      `The agent card at ${cardUrl.href} is over 1 MiB: that is not an agent card.`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw a2aError(
      'A2A_CARD_INVALID',
      `The agent card at ${cardUrl.href} is not JSON: check that the address leads to an A2A agent.`,
      { url: cardUrl.href },
      error,
    );
  }
}

const strings = z.array(z.string()).catch([]);
const text = z.string().catch('');

/** The fields the bridge and the UI use, checked; the SDK keeps the rest. */
const cardSchema = z.object({
  name: z.string().min(1, 'the card has no name'),
  description: text,
  version: text,
  supportedInterfaces: z
    .array(z.object({ url: z.string(), protocolBinding: z.string(), protocolVersion: text, tenant: text }))
    .min(1, 'the card lists no interface (no address to send requests to)'),
  capabilities: z.object({ streaming: z.boolean().optional() }).partial().optional(),
  defaultInputModes: strings,
  defaultOutputModes: strings,
  skills: z
    .array(
      z
        .object({ id: text, name: text, description: text, tags: strings, examples: strings })
        .transform((s) => ({
          ...s,
          name: s.name || s.id,
        })),
    )
    .catch([]),
  provider: z.object({ organization: text, url: text }).optional().catch(undefined),
  documentationUrl: z.string().optional().catch(undefined),
});

/** The bindings a browser can speak (gRPC needs HTTP/2 trailers that fetch does not give). */
const BINDINGS = ['JSONRPC', 'HTTP+JSON'];

export interface ChosenInterface {
  summary: A2AAgentCard;
  /** The card handed to the SDK: only the chosen interface left, so the SDK cannot pick another. */
  card: AgentCard;
}

/**
 * Chooses the interface the way the SDK would (the first binding in the card's order that we speak, its 1.0
 * interface before older ones), among those on the card's own origin or an allowed one. A card whose usable
 * interfaces all point elsewhere is refused: someone who can publish a card on one site could otherwise send the
 * user's messages to another.
 */
export function chooseInterface(
  card: AgentCard,
  cardUrl: URL,
  allowedOrigins: readonly string[],
): ChosenInterface {
  const parsed = cardSchema.safeParse(card);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw a2aError(
      'A2A_CARD_INVALID',
      `The agent card at ${cardUrl.href} is not usable: ${issue?.path.join('.') || 'card'}: ${issue?.message}.`,
      { url: cardUrl.href, issues: parsed.error.issues },
    );
  }
  const checked = parsed.data;
  const usable = checked.supportedInterfaces.filter(
    (i) => BINDINGS.includes(i.protocolBinding.toUpperCase()) && originOf(i.url) !== undefined,
  );
  if (usable.length === 0) {
    const offered = checked.supportedInterfaces.map((i) => i.protocolBinding).join(', ');
    throw a2aError(
      'A2A_CARD_INVALID',
      `The agent at ${cardUrl.origin} offers no transport a browser can use (it offers ${offered}; Hearth speaks ` +
        'JSON-RPC and HTTP+JSON over http(s)).',
      { url: cardUrl.href },
    );
  }
  const allowed = new Set([cardUrl.origin, ...allowedOrigins]);
  const reachable = usable.filter((i) => allowed.has(originOf(i.url)!));
  if (reachable.length === 0) {
    const elsewhere = [...new Set(usable.map((i) => originOf(i.url)!))];
    throw a2aError(
      'A2A_CARD_REFUSED',
      `The agent card at ${cardUrl.href} sends requests to ${elsewhere.join(', ')}, not to ${cardUrl.origin} ` +
        'where it was found. Add the agent again with that origin allowed if you trust it, or use the address ' +
        'the card itself names.',
      { url: cardUrl.href, origins: elsewhere },
    );
  }
  const binding = reachable[0]!.protocolBinding.toUpperCase();
  const sameBinding = reachable.filter((i) => i.protocolBinding.toUpperCase() === binding);
  const chosen = sameBinding.find((i) => i.protocolVersion === '1.0') ?? sameBinding[0]!;
  const original = card.supportedInterfaces.find(
    (i) =>
      i.url === chosen.url &&
      i.protocolBinding === chosen.protocolBinding &&
      (i.protocolVersion ?? '') === chosen.protocolVersion,
  ) as AgentInterface;
  return {
    card: { ...card, supportedInterfaces: [original] },
    summary: {
      name: checked.name,
      description: checked.description,
      version: checked.version,
      protocolVersion: chosen.protocolVersion || '1.0',
      binding: chosen.protocolBinding,
      endpoint: chosen.url,
      streaming: checked.capabilities?.streaming === true,
      skills: checked.skills,
      inputModes: checked.defaultInputModes,
      outputModes: checked.defaultOutputModes,
      ...(checked.provider ? { provider: checked.provider } : {}),
      ...(checked.documentationUrl ? { documentationUrl: checked.documentationUrl } : {}),
    },
  };
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}
