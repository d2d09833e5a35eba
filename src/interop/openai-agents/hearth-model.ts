import {
  createGenerationSpan,
  type Model,
  type ModelProvider,
  type ModelRequest,
  type ModelResponse,
  type StreamEvent,
} from '@openai/agents-core';
import type { ChatCompletionRequest, ChatCompletionsCreate, Usage } from '../../engines/llm/contract.ts';
import { asAbortReason } from '../abort.ts';
import { chatCreate, type HearthChatSource } from '../chat-source.ts';
import { parseHearthFields, type HearthFields } from '../hearth-fields.ts';
import { toAgentsUsage, toOutputItems } from './output.ts';
import { requestFromModelRequest } from './request.ts';
import { toStreamEvents } from './stream.ts';

export interface HearthModelOptions extends HearthFields {
  /** The model's name in traces (generation spans). Default: 'hearth'. */
  name?: string;
}

type GenerationSpan = ReturnType<typeof createGenerationSpan>;
type TracingParent = Parameters<typeof createGenerationSpan>[1];

/**
 * agents-core's `Model` over a Hearth chat model, so an OpenAI Agents JS `Agent` runs on the local
 * model: `new Agent({ name, instructions, model: new HearthModel(hearth.chat) })`. Requests become
 * chat completions (tools and handoffs as function tools, `toolChoice`, structured output as a
 * `json_schema` response format that the engine enforces by constrained decoding, the run's abort
 * signal); Hearth's own fields (`adapter`, `seed`, `top_k`, …) come from the options or from an
 * agent's `modelSettings.providerData`.
 */
export class HearthModel implements Model {
  readonly #create: ChatCompletionsCreate;
  readonly #defaults: HearthFields;
  readonly #name: string;

  constructor(chat: HearthChatSource, options: HearthModelOptions = {}) {
    const { name = 'hearth', ...defaults } = options;
    this.#create = chatCreate(chat);
    this.#defaults = parseHearthFields(defaults, 'HearthModel options');
    this.#name = name;
  }

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const chat = requestFromModelRequest(request, this.#defaults);
    const span = this.#startSpan(chat, request);
    try {
      const completion = await this.#create({ ...chat, stream: false });
      const { message } = completion.choices[0]!;
      const output = toOutputItems(completion.id, message.content, message.tool_calls ?? []);
      this.#record(span, completion.usage, request.tracing === true ? [message] : undefined);
      return { usage: toAgentsUsage(completion.usage), output, responseId: completion.id };
    } catch (error) {
      this.#failed(span, error, request);
      throw asAbortReason(error, chat.signal);
    } finally {
      span.end();
    }
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const chat = requestFromModelRequest(request, this.#defaults);
    const span = this.#startSpan(chat, request);
    try {
      for await (const event of toStreamEvents(await this.#create({ ...chat, stream: true }))) {
        if (event.type === 'response_done') {
          const { usage, output } = event.response;
          this.#record(
            span,
            {
              prompt_tokens: usage.inputTokens,
              completion_tokens: usage.outputTokens,
              cached_prompt_tokens: cachedTokens(usage.inputTokensDetails),
            },
            request.tracing === true ? output : undefined,
          );
        }
        yield event;
      }
    } catch (error) {
      this.#failed(span, error, request);
      throw asAbortReason(error, chat.signal);
    } finally {
      span.end();
    }
  }

  /**
   * The generation span, under the turn the runner names in `_internal.tracingParent` (as
   * agents-openai's models do) and never made the current span: in browsers the current span is
   * one global slot that concurrent runs share (docs/agents-core-spike.md), so a span set there
   * would become the parent of another run's spans.
   */
  #startSpan(chat: ChatCompletionRequest, request: ModelRequest): GenerationSpan {
    const parent = (request as ModelRequest & { _internal?: { tracingParent?: TracingParent } })._internal
      ?.tracingParent;
    const span = createGenerationSpan(undefined, parent);
    span.start();
    span.spanData.model = chat.adapter ? `${this.#name}+${chat.adapter}` : this.#name;
    span.spanData.model_config = {
      temperature: chat.temperature,
      top_p: chat.top_p,
      max_tokens: chat.max_tokens,
      seed: chat.seed,
      adapter: chat.adapter,
    };
    if (request.tracing === true) span.spanData.input = chat.messages;
    return span;
  }

  /** The error's message goes into the trace only where the run lets traces hold model data. */
  #failed(span: GenerationSpan, error: unknown, request: ModelRequest): void {
    const detail = request.tracing === true ? String(error) : error instanceof Error ? error.name : undefined;
    span.setError({ message: 'Hearth model call failed', data: { error: detail } });
  }

  #record(
    span: GenerationSpan,
    usage: Pick<Usage, 'prompt_tokens' | 'completion_tokens' | 'cached_prompt_tokens'>,
    output: Array<Record<string, unknown>> | undefined,
  ): void {
    span.spanData.usage = {
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
      cached_input_tokens: usage.cached_prompt_tokens,
    };
    if (output) span.spanData.output = output;
  }
}

function cachedTokens(details: Record<string, number> | Array<Record<string, number>> | undefined): number {
  const list = Array.isArray(details) ? details : details ? [details] : [];
  return list.reduce((sum, entry) => sum + (entry.cached_tokens ?? 0), 0);
}

/**
 * Resolves an agent's model name against one Hearth chat model: '' (an agent that names no model)
 * is the base model, any other name is a LoRA adapter `name@version` loaded on it.
 *
 * ```ts
 * const runner = new Runner({ modelProvider: new HearthModelProvider(hearth.chat) });
 * await runner.run(new Agent({ name: 'support', model: 'support@3', instructions }), 'Hello');
 * ```
 */
export class HearthModelProvider implements ModelProvider {
  readonly #chat: HearthChatSource;
  readonly #options: HearthModelOptions;

  constructor(chat: HearthChatSource, options: HearthModelOptions = {}) {
    this.#chat = chat;
    this.#options = options;
  }

  getModel(modelName?: string): Model {
    return new HearthModel(this.#chat, modelName ? { ...this.#options, adapter: modelName } : this.#options);
  }
}
