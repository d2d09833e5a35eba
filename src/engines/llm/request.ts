import { z } from 'zod';
import { HearthError } from '../../core/errors.ts';
import type { ChatCompletionRequest } from './contract.ts';
import type { SamplingParams } from './sampling/sampler.ts';

const text = z.string();
const toolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});
const message = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: text, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content: text, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: text.nullable(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.object({ role: z.literal('tool'), content: text, tool_call_id: z.string(), name: z.string().optional() }),
]);

/** The request as checked at the engine's boundary (shapes and ranges, OpenAI's where it gives them). */
const requestSchema = z.object({
  messages: z.array(message).min(1, 'messages must hold at least one message'),
  model: z.string().optional(),
  stream: z.boolean().optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().gt(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  repetition_penalty: z.number().positive().optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).optional(),
  logit_bias: z
    .record(z.string().regex(/^\d+$/, 'logit_bias keys are token ids'), z.number().min(-100).max(100))
    .optional(),
  tools: z.array(z.unknown()).optional(),
  tool_choice: z.unknown().optional(),
  response_format: z.unknown().optional(),
  adapter: z.string().optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
});

/** Validates a request; the error names the first bad field. */
export function validateRequest(request: unknown): ChatCompletionRequest {
  const result = requestSchema.safeParse(request);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.join('.') || 'request';
    throw new HearthError('INVALID_INPUT', `Invalid chat request: ${where}: ${issue.message}.`, {
      details: result.error.issues.map(({ path, message }) => ({ path: path.join('.'), message })),
    });
  }
  // Keep the caller's objects (tools, response_format, the signal) as they were given.
  return request as ChatCompletionRequest;
}

/** OpenAI's defaults: temperature 1, top_p 1; top_k off; penalties neutral. */
export function samplingOf(request: ChatCompletionRequest, vocabSize: number): SamplingParams {
  const logitBias = new Map<number, number>();
  for (const [key, value] of Object.entries(request.logit_bias ?? {})) {
    const id = Number(key);
    if (id >= vocabSize) {
      throw new HearthError(
        'INVALID_INPUT',
        `logit_bias names token ${id}, but the vocabulary has ${vocabSize} tokens.`,
      );
    }
    logitBias.set(id, value);
  }
  return {
    temperature: request.temperature ?? 1,
    topK: request.top_k ?? 0,
    topP: request.top_p ?? 1,
    repetitionPenalty: request.repetition_penalty ?? 1,
    frequencyPenalty: request.frequency_penalty ?? 0,
    presencePenalty: request.presence_penalty ?? 0,
    logitBias,
  };
}

export function stopsOf(request: ChatCompletionRequest): string[] {
  if (request.stop === undefined) return [];
  return typeof request.stop === 'string' ? [request.stop] : request.stop;
}
