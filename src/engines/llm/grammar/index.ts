export { cachedGrammarCount, compileGrammar } from './compiler-cache.ts';
export { applyTokenBitmask, GrammarLogitsProcessor, type MaskStats } from './grammar-logits-processor.ts';
export type { GrammarSpec } from './grammar-spec.ts';
export {
  vocabTypeOf,
  vocabularyFromTokenizerJson,
  type GrammarVocabulary,
  type VocabularyOptions,
} from './grammar-vocabulary.ts';
export { toolStructuralTag, type ToolCallRule } from './tool-structural-tag.ts';
export { Utf8Guard, utf8TableFor } from './utf8-guard.ts';
export { loadXGrammar } from './xgrammar-module.ts';
