import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import type { ChatCompletionsCreate } from '../../engines/llm/contract.ts';
import { asAbortReason } from '../abort.ts';
import { chatCreate, type HearthChatSource } from '../chat-source.ts';
import { parseHearthFields, type HearthFields } from '../hearth-fields.ts';
import { requestFromCallOptions } from './call-options.ts';
import { toFinishReason, toProviderMetadata, toAiSdkUsage } from './result.ts';
import { toStreamParts } from './stream.ts';

export interface HearthLanguageModelOptions extends HearthFields {
  /** The id the AI SDK reports for this model (results, telemetry). Default: 'hearth'. */
  modelId?: string;
}

/**
 * The AI SDK's language model (specification v4, what `ai` 7 takes) over a Hearth chat model:
 * `generateText({ model: new HearthLanguageModel(hearth.chat), prompt })`. Tools become function
 * tools (`toolChoice` forces a call, which the engine makes well-formed by constrained decoding);
 * `Output.object` becomes a `json_schema` response format, enforced the same way; `abortSignal`
 * stops generation in the engine. Hearth's own fields (`adapter`, `repetition_penalty`, …) come from
 * the options or from `providerOptions: { hearth: { … } }` per call.
 */
export class HearthLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'hearth';
  readonly modelId: string;
  /** Every input reaches the model as text; no URL is handed to it to fetch. */
  readonly supportedUrls = {};
  readonly #create: ChatCompletionsCreate;
  readonly #settings: HearthFields;

  constructor(chat: HearthChatSource, options: HearthLanguageModelOptions = {}) {
    const { modelId = 'hearth', ...settings } = options;
    this.modelId = modelId;
    this.#create = chatCreate(chat);
    this.#settings = parseHearthFields(settings, 'HearthLanguageModel options');
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { request, warnings } = requestFromCallOptions(options, this.#settings);
    const signal = options.abortSignal;
    const completion = await this.#create({ ...request, ...(signal && { signal }), stream: false }).catch(
      (error: unknown) => {
        throw asAbortReason(error, signal);
      },
    );
    const { message, finish_reason } = completion.choices[0]!;
    const content: LanguageModelV4Content[] = [];
    if (message.content) content.push({ type: 'text', text: message.content });
    for (const call of message.tool_calls ?? []) {
      content.push({
        type: 'tool-call',
        toolCallId: call.id,
        toolName: call.function.name,
        input: call.function.arguments || '{}',
      });
    }
    const providerMetadata = toProviderMetadata(completion.usage);
    return {
      content,
      finishReason: toFinishReason(finish_reason),
      usage: toAiSdkUsage(completion.usage),
      ...(providerMetadata && { providerMetadata }),
      response: {
        id: completion.id,
        timestamp: new Date(completion.created * 1000),
        modelId: completion.model,
      },
      warnings,
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const { request, warnings } = requestFromCallOptions(options, this.#settings);
    // The engine stops on either the caller's signal or a reader that cancels the stream.
    const cancelled = new AbortController();
    const caller = options.abortSignal;
    const signal = caller ? AbortSignal.any([caller, cancelled.signal]) : cancelled.signal;
    const chunks = await this.#create({ ...request, signal, stream: true }).catch((error: unknown) => {
      throw asAbortReason(error, caller);
    });
    return {
      stream: toStreamParts(chunks, {
        warnings,
        includeRawChunks: options.includeRawChunks === true,
        signal,
        cancel: () => cancelled.abort(),
      }),
    };
  }
}
