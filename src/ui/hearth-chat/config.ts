import { z } from 'zod';
import { defaultSampling, samplingSchema, type Sampling } from '../chat/sampling.ts';
import { readAgentPipeline, type AgentPipelineInput } from './agent-attribute.ts';
import { hearthChatError } from './errors.ts';

/** The model a <hearth-chat> runs when its page names none: Hearth's bundled demo model. */
export const DEFAULT_CHAT_MODEL = 'hearth-demo/tiny-llama-chat';

/** What the element's attributes and properties hold, before checking. */
export interface HearthChatInput {
  model?: string | null | undefined;
  embeddingModel?: string | null | undefined;
  adapter?: string | null | undefined;
  systemPrompt?: string | null | undefined;
  collection?: string | null | undefined;
  agent?: unknown;
  modelsBaseUrl?: string | null | undefined;
  apiBaseUrl?: string | null | undefined;
  apiKey?: string | null | undefined;
  device?: string | null | undefined;
  sampling?: Partial<Sampling> | null | undefined;
}

const modelId = z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'a model id is "owner/name"');
const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL' });

const configSchema = z.object({
  model: modelId.default(DEFAULT_CHAT_MODEL),
  embeddingModel: modelId.optional(),
  adapter: z.string().min(1).optional(),
  systemPrompt: z.string().default(''),
  collection: z.string().min(1).optional(),
  modelsBaseUrl: httpUrl.optional(),
  apiBaseUrl: httpUrl.optional(),
  apiKey: z.string().min(1).optional(),
  device: z.enum(['auto', 'webgpu', 'wasm']).default('auto'),
  sampling: samplingSchema.default(() => ({ ...defaultSampling })),
});

export type HearthChatConfig = z.output<typeof configSchema> & { agent: AgentPipelineInput | undefined };

/** The attribute a property is written as, for messages that name what to fix. */
const attributeOf: Record<string, string> = {
  model: 'model',
  embeddingModel: 'embedding-model',
  adapter: 'adapter',
  systemPrompt: 'system-prompt',
  collection: 'collection',
  modelsBaseUrl: 'models-base-url',
  apiBaseUrl: 'api-base-url',
  apiKey: 'apiKey (property)',
  device: 'device',
  sampling: 'sampling (property)',
};

/**
 * Checks the element's settings at the boundary: ids, URLs (relative ones resolved against the
 * page, as `src` attributes are), the device, sampling, and the pairs that only work together.
 */
export function readHearthChatConfig(input: HearthChatInput, baseUri: string): HearthChatConfig {
  const present = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== null && value !== undefined && value !== ''),
  ) as HearthChatInput;
  for (const key of ['modelsBaseUrl', 'apiBaseUrl'] as const) {
    const value = present[key];
    if (typeof value === 'string') present[key] = resolveUrl(value, baseUri);
  }
  if (present.sampling) present.sampling = { ...defaultSampling, ...present.sampling };
  const { agent, ...rest } = present;
  const parsed = configSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = attributeOf[String(issue.path[0])] ?? String(issue.path[0]);
    const where = issue.path.length > 1 ? `${name}.${issue.path.slice(1).join('.')}` : name;
    throw hearthChatError('HEARTH_CHAT_INVALID_ATTRIBUTE', `<hearth-chat> ${where}: ${issue.message}.`, {
      attribute: name,
    });
  }
  const config = parsed.data;
  if (config.collection && !config.embeddingModel)
    throw hearthChatError(
      'HEARTH_CHAT_INVALID_ATTRIBUTE',
      '<hearth-chat> collection: answering from documents needs the `embedding-model` the collection was embedded with.',
      { attribute: 'collection' },
    );
  if (config.adapter && !(config.apiBaseUrl && config.apiKey))
    throw hearthChatError(
      'HEARTH_CHAT_INVALID_ATTRIBUTE',
      '<hearth-chat> adapter: adapters come from a fine-tuning server: set `api-base-url` and the `apiKey` property (a browser key).',
      { attribute: 'adapter' },
    );
  return { ...config, agent: readAgentPipeline(agent) };
}

function resolveUrl(value: string, baseUri: string): string {
  try {
    return new URL(value, baseUri).href;
  } catch {
    return value; // left as written: the schema reports it
  }
}
