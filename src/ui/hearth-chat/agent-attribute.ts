import { hearthChatError } from './errors.ts';

/**
 * The `agent` attribute: a pipeline, written as JSON in the attribute or given as an object to the
 * property. It is read here into a plain object; the pipeline format itself belongs to src/agent,
 * and its schema takes over the check below once the runtime exposes it.
 */
export type AgentPipelineInput = Record<string, unknown>;

export function readAgentPipeline(value: unknown): AgentPipelineInput | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw hearthChatError(
        'HEARTH_CHAT_INVALID_ATTRIBUTE',
        'The `agent` attribute is not valid JSON: write the pipeline as a JSON object, or set the `agent` property to an object.',
      );
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw hearthChatError(
      'HEARTH_CHAT_INVALID_ATTRIBUTE',
      'The `agent` attribute must be a pipeline object (JSON), not a list or a single value.',
    );
  return parsed as AgentPipelineInput;
}
