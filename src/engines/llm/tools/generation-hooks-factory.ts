import type { ChatCompletionRequest } from '../contract.ts';
import type { GenerationHooks, GenerationHooksFactory, HookContext } from '../generation/plan.ts';
import { compileGrammar } from '../grammar/compiler-cache.ts';
import { GrammarLogitsProcessor } from '../grammar/grammar-logits-processor.ts';
import type { GrammarSpec } from '../grammar/grammar-spec.ts';
import type { GrammarVocabulary } from '../grammar/grammar-vocabulary.ts';
import { toolStructuralTag } from '../grammar/tool-structural-tag.ts';
import { Utf8Guard, utf8TableFor } from '../grammar/utf8-guard.ts';
import { BannedTokens } from './banned-tokens.ts';
import { createToolCallParser, requireToolCallFormat, type ToolFormatInfo } from './formats.ts';
import type { ToolCallIdFactory } from './tool-call-deltas.ts';
import { validateToolRequest } from './validate-request.ts';

export interface ToolHooksOptions {
  modelId: string;
  /** From `detectToolCallFormat(chat_template)`; undefined when the template renders no tools. */
  toolFormat: ToolFormatInfo | undefined;
  /** Whether the backend applies logits processors (the ORT decoder does; web-llm has its own grammar). */
  constrain: boolean;
  /**
   * The grammar vocabulary (see `vocabularyFromTokenizerJson`, which also blanks special tokens).
   * Without it, one is built from the hook context's token strings.
   */
  vocabulary?: GrammarVocabulary;
  newId?: ToolCallIdFactory;
}

/** JSON mode: any object, whatever its keys. */
const anyObject = { type: 'object', additionalProperties: true };

/**
 * Per request: validates tools / tool_choice / response_format (errors before any token is made),
 * picks the parser for the model's tool-call format and, on backends that take a logits processor,
 * compiles the grammar that keeps the output valid (JSON for `response_format`; for tools, a
 * structural tag that only lets declared calls with valid arguments through).
 */
export function toolHooksFactory(options: ToolHooksOptions): GenerationHooksFactory {
  let vocabulary = options.vocabulary;
  // Looked up once: the vocabulary of a loaded model does not change.
  let openerId: number | undefined;
  return async (request: ChatCompletionRequest, context: HookContext): Promise<GenerationHooks> => {
    const plan = validateToolRequest(request);
    const hooks: GenerationHooks = {};
    const format = plan.rule
      ? (options.toolFormat ?? requireToolCallFormat(undefined, options.modelId))
      : undefined;
    if (format) hooks.outputParser = createToolCallParser(format.format, options.newId);
    if (options.constrain && !plan.rule && !plan.json && request.tools?.length && options.toolFormat) {
      // tool_choice 'none': the token that opens a call (where the vocabulary has it as one token).
      openerId ??= (options.vocabulary?.tokens ?? context.vocabulary()).indexOf(
        options.toolFormat.markers[0]!,
      );
      if (openerId >= 0) hooks.logitsProcessor = new BannedTokens([openerId]);
      return hooks;
    }
    if (!options.constrain || (!plan.rule && !plan.json)) return hooks;

    let spec: GrammarSpec;
    if (format && plan.rule) {
      const responseSchema = plan.json ? (plan.json.schema ?? anyObject) : undefined;
      spec = {
        kind: 'structural_tag',
        tag: await toolStructuralTag(format.format, plan.tools, plan.rule, responseSchema),
      };
    } else if (plan.json?.schema) spec = { kind: 'json_schema', schema: plan.json.schema };
    else spec = { kind: 'json_object' };

    vocabulary ??= vocabularyFromContext(options.modelId, context, options.toolFormat?.markers ?? []);
    const compiled = await compileGrammar(vocabulary, spec);
    hooks.logitsProcessor = await GrammarLogitsProcessor.create(
      compiled,
      new Utf8Guard(utf8TableFor(vocabulary)),
    );
    return hooks;
  };
}

/**
 * Without tokenizer.json at hand, special tokens are found by what the decoder does with them: it
 * drops them (skip_special_tokens), so a marker-like token that decodes to nothing is one. They
 * become '' so the grammar never lets one stand for its literal text; the format's own markers stay.
 */
function vocabularyFromContext(
  modelId: string,
  context: HookContext,
  markers: readonly string[],
): GrammarVocabulary {
  const tokens = context.vocabulary().slice();
  tokens.forEach((token, id) => {
    if (token.length > 2 && /^[<[]/.test(token) && !markers.includes(token) && context.decode([id]) === '') {
      tokens[id] = '';
    }
  });
  return {
    id: `${modelId}#context`,
    tokens,
    vocabType: context.vocabType(),
    vocabSize: tokens.length,
    stopTokenIds: [...context.eosTokenIds],
    prependSpace: false,
  };
}
