import type { CompiledGrammar, GrammarCompiler, TokenizerInfo } from '@mlc-ai/web-xgrammar';
import type { GrammarVocabulary } from './grammar-vocabulary.ts';
import { withEngineErrors } from './engine-errors.ts';
import { grammarKey, type GrammarSpec } from './grammar-spec.ts';
import { jsonSchemaEbnf } from './json-schema-ebnf.ts';
import { loadXGrammar, type XGrammar } from './xgrammar-module.ts';

interface CompilerEntry {
  info: TokenizerInfo;
  compiler: GrammarCompiler;
  grammars: Map<string, Promise<CompiledGrammar>>;
}

/** Compiled grammars kept per vocabulary; compiling a schema against 150k tokens takes ~100 ms. */
const MAX_GRAMMARS_PER_VOCABULARY = 32;
const compilers = new Map<string, Promise<CompilerEntry>>();

/**
 * Compiles a grammar for a vocabulary, reusing the tokenizer preprocessing (per vocabulary id) and
 * earlier compilations of the same grammar (per spec). A grammar the engine rejects becomes a
 * `GRAMMAR_REJECTED` error naming the engine's reason.
 */
export async function compileGrammar(
  vocabulary: GrammarVocabulary,
  spec: GrammarSpec,
): Promise<CompiledGrammar> {
  const xg = await loadXGrammar();
  const entry = await compilerFor(xg, vocabulary);
  const key = grammarKey(spec);
  let compiled = entry.grammars.get(key);
  if (compiled) {
    entry.grammars.delete(key);
    entry.grammars.set(key, compiled);
    return compiled;
  }
  compiled = compileSpec(entry.compiler, spec);
  entry.grammars.set(key, compiled);
  compiled.catch(() => entry.grammars.delete(key));
  while (entry.grammars.size > MAX_GRAMMARS_PER_VOCABULARY) {
    const oldest = entry.grammars.keys().next().value!;
    const evicted = entry.grammars.get(oldest)!;
    entry.grammars.delete(oldest);
    void evicted.then((grammar) => grammar.dispose()).catch(() => undefined);
  }
  return compiled;
}

/** Number of grammars compiled and cached for a vocabulary (for tests and diagnostics). */
export async function cachedGrammarCount(vocabularyId: string): Promise<number> {
  const entry = await compilers.get(vocabularyId);
  return entry?.grammars.size ?? 0;
}

function compilerFor(xg: XGrammar, vocabulary: GrammarVocabulary): Promise<CompilerEntry> {
  let entry = compilers.get(vocabulary.id);
  if (!entry) {
    entry = (async () => {
      const info = await xg.TokenizerInfo.createTokenizerInfo(
        vocabulary.tokens,
        vocabulary.vocabType,
        vocabulary.prependSpace,
        vocabulary.vocabSize,
        vocabulary.stopTokenIds,
      );
      const compiler = await xg.GrammarCompiler.createGrammarCompiler(info);
      return { info, compiler, grammars: new Map() };
    })();
    compilers.set(vocabulary.id, entry);
    entry.catch(() => compilers.delete(vocabulary.id));
  }
  return entry;
}

async function compileSpec(compiler: GrammarCompiler, spec: GrammarSpec): Promise<CompiledGrammar> {
  switch (spec.kind) {
    case 'json_object': {
      const text = await jsonSchemaEbnf({ type: 'object' }, 'JSON object grammar', false);
      return withEngineErrors('JSON object grammar', () => compiler.compileGrammar(text));
    }
    case 'json_schema': {
      const text = await jsonSchemaEbnf(spec.schema, 'response schema');
      return withEngineErrors('response schema', () => compiler.compileGrammar(text));
    }
    case 'structural_tag':
      return withEngineErrors('tool-call grammar', () => compiler.compileStructuralTag(spec.tag));
  }
}
