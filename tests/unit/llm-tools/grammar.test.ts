import type { CompiledGrammar } from '@mlc-ai/web-xgrammar';
import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import {
  applyTokenBitmask,
  cachedGrammarCount,
  compileGrammar,
  GrammarLogitsProcessor,
  loadXGrammar,
  toolStructuralTag,
} from '../../../src/engines/llm/grammar/index.ts';
import type { FunctionTool } from '../../../src/engines/llm/contract.ts';
import { realTokenizer, type RealTokenizer } from './real-vocabularies.ts';

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 14 } },
  required: ['city'],
};
const tools: FunctionTool[] = [
  { type: 'function', function: { name: 'get_weather', parameters: weatherSchema } },
  {
    type: 'function',
    function: {
      name: 'search',
      parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
    },
  },
];

function allowedIds(logits: Float32Array): number[] {
  const ids: number[] = [];
  logits.forEach((v, i) => Number.isFinite(v) && ids.push(i));
  return ids;
}

function allowed(mask: Int32Array, token: number): boolean {
  return ((mask[token >> 5]! >>> (token & 31)) & 1) === 1;
}

/**
 * Feeds `text`, tokenized by the real tokenizer, through a matcher; returns how many tokens the
 * grammar allowed before the first it refused (all of them when the text fits).
 */
async function walk(compiled: CompiledGrammar, real: RealTokenizer, text: string, end?: number) {
  const xg = await loadXGrammar();
  const matcher = await xg.GrammarMatcher.createGrammarMatcher(compiled);
  const ids = real.encode(text);
  if (end !== undefined) ids.push(end);
  let accepted = 0;
  for (const id of ids) {
    const mask = await matcher.getNextTokenBitmask();
    if (!allowed(mask, id)) break;
    expect(matcher.acceptToken(id)).toBe(true);
    accepted++;
  }
  const result = { accepted, total: ids.length, terminated: matcher.isTerminated(), matcher };
  return result;
}

describe('grammars against the real Qwen3 vocabulary', () => {
  const qwen = realTokenizer('qwen3');
  const eos = qwen.id('<|im_end|>');

  it('has the 151,643 entries of the real vocabulary', () => {
    expect(Object.keys(qwen.json.model.vocab)).toHaveLength(151643);
    expect(qwen.vocabulary.vocabType).toBe('byte_level');
    expect(qwen.vocabulary.vocabSize).toBe(151936);
  });

  it('json_schema: a fitting object passes to the end, a wrong type is refused', async () => {
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'json_schema', schema: weatherSchema });
    const good = await walk(compiled, qwen, '{"city": "東京 \\"centre\\"", "days": 3}', eos);
    expect(good.accepted).toBe(good.total);
    expect(good.terminated).toBe(true);
    const bad = await walk(compiled, qwen, '{"city": 3}');
    expect(bad.accepted).toBeLessThan(bad.total);
    const tooMany = await walk(compiled, qwen, '{"city": "Oslo", "days": 15}');
    expect(tooMany.accepted).toBeLessThan(tooMany.total);
  });

  it('json_object: any object, nothing else', async () => {
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'json_object' });
    const good = await walk(compiled, qwen, '{"anything": [1, {"x": null}], "b": true}', eos);
    expect(good.accepted).toBe(good.total);
    expect((await walk(compiled, qwen, '[1, 2]')).accepted).toBe(0);
  });

  it('never lets a special token stand for its text inside a string', async () => {
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'json_schema', schema: weatherSchema });
    const { matcher } = await walk(compiled, qwen, '{"city": "a');
    const mask = await matcher.getNextTokenBitmask();
    expect(allowed(mask, qwen.encode('b')[0]!)).toBe(true);
    expect(allowed(mask, qwen.id('<|im_start|>'))).toBe(false);
    expect(allowed(mask, eos)).toBe(false);
  });

  it('tool_choice required: the first token must open a call, and only declared names and valid arguments follow', async () => {
    const tag = await toolStructuralTag('hermes', tools, { kind: 'required', parallel: true });
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'structural_tag', tag });
    const xg = await loadXGrammar();
    const first = await (await xg.GrammarMatcher.createGrammarMatcher(compiled)).getNextTokenBitmask();
    expect(allowed(first, qwen.id('<tool_call>'))).toBe(true);
    expect(allowed(first, qwen.encode('Hello')[0]!)).toBe(false);
    expect(allowed(first, eos)).toBe(false);

    const call = (name: string, args: string) =>
      `<tool_call>\n{"name": "${name}", "arguments": ${args}}\n</tool_call>`;
    const two = await walk(
      compiled,
      qwen,
      `${call('get_weather', '{"city": "Paris"}')}\n${call('search', '{"q": "x"}')}`,
      eos,
    );
    expect(two.accepted).toBe(two.total);
    expect(two.terminated).toBe(true);
    const unknown = await walk(compiled, qwen, call('get_wether', '{"city": "Paris"}'));
    expect(unknown.accepted).toBeLessThan(unknown.total);
    const missing = await walk(compiled, qwen, call('get_weather', '{"days": 2}'));
    expect(missing.accepted).toBeLessThan(missing.total);
  });

  it('tool_choice auto: free text until the model opens a call, then the call is constrained', async () => {
    const tag = await toolStructuralTag('hermes', tools, { kind: 'auto', parallel: true });
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'structural_tag', tag });
    const text = await walk(compiled, qwen, 'Sure, let me look {that} up.', eos);
    expect(text.accepted).toBe(text.total);
    const bad = await walk(compiled, qwen, 'Sure.\n<tool_call>\n{"name": "delete_all", "arguments": {}}');
    expect(bad.accepted).toBeLessThan(bad.total);
  });

  it('a named function is forced: one call of exactly that tool', async () => {
    const tag = await toolStructuralTag('hermes', tools, { kind: 'named', name: 'search', parallel: false });
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'structural_tag', tag });
    const other = await walk(
      compiled,
      qwen,
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "P"}}',
    );
    expect(other.accepted).toBeLessThan(other.total);
    const ok = await walk(
      compiled,
      qwen,
      '<tool_call>\n{"name": "search", "arguments": {"q": "hi"}}\n</tool_call>',
      eos,
    );
    expect(ok.terminated).toBe(true);
  });

  it('the Llama 3 and Mistral call shapes are constrained the same way', async () => {
    const cases = [
      ['llama3-json', '{"name": "search", "parameters": {"q": "hi"}}', '{"name": "serch", "parameters": {}}'],
      [
        'mistral',
        '[TOOL_CALLS][{"name": "search", "arguments": {"q": "a"}}, {"name": "get_weather", "arguments": {"city": "b"}}]',
        '[TOOL_CALLS][{"name": "search", "arguments": {"x": 1}}]',
      ],
      [
        'mistral-args',
        '[TOOL_CALLS]search[ARGS]{"q": "a"}[TOOL_CALLS]get_weather[ARGS]{"city": "b"}',
        '[TOOL_CALLS]search[ARGS]{"q": 1}',
      ],
    ] as const;
    for (const [format, good, bad] of cases) {
      const tag = await toolStructuralTag(format, tools, { kind: 'required', parallel: true });
      const compiled = await compileGrammar(qwen.vocabulary, { kind: 'structural_tag', tag });
      const ok = await walk(compiled, qwen, good, eos);
      expect(ok.accepted, format).toBe(ok.total);
      expect(ok.terminated, format).toBe(true);
      const refused = await walk(compiled, qwen, bad);
      expect(refused.accepted, format).toBeLessThan(refused.total);
    }
  });

  it('caches compiled grammars per vocabulary and schema', async () => {
    const spec = {
      kind: 'json_schema',
      schema: { type: 'object', properties: { z: { type: 'boolean' } } },
    } as const;
    const before = await cachedGrammarCount(qwen.vocabulary.id);
    const a = await compileGrammar(qwen.vocabulary, spec);
    const b = await compileGrammar(qwen.vocabulary, structuredClone(spec));
    expect(b).toBe(a);
    expect(await cachedGrammarCount(qwen.vocabulary.id)).toBe(before + 1);
  });

  it('a schema the engine rejects is a GRAMMAR_REJECTED error with its reason', async () => {
    const error = await compileGrammar(qwen.vocabulary, {
      kind: 'json_schema',
      schema: { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } },
    }).catch((e: unknown) => e);
    expect(isHearthError(error, 'GRAMMAR_REJECTED')).toBe(true);
    expect((error as Error).message).toMatch(/missing/);
    // The engine keeps working after rejecting one.
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'json_object' });
    expect((await walk(compiled, qwen, '{}', eos)).terminated).toBe(true);
  });
});

describe('other vocabulary types', () => {
  it('Llama 3.1 (byte-level, 128k) and Gemma 3 (byte-fallback, 262k) walk a schema with their own tokens', async () => {
    for (const model of ['llama3_1', 'gemma3'] as const) {
      const real = realTokenizer(model);
      expect(real.vocabulary.vocabType).toBe(model === 'gemma3' ? 'byte_fallback' : 'byte_level');
      const compiled = await compileGrammar(real.vocabulary, { kind: 'json_schema', schema: weatherSchema });
      const good = await walk(
        compiled,
        real,
        '{"city": "São Paulo 🙂", "days": 14}',
        real.vocabulary.stopTokenIds[0],
      );
      expect(good.accepted, model).toBe(good.total);
      expect(good.terminated, model).toBe(true);
    }
  });
});

describe('GrammarLogitsProcessor', () => {
  it('masks logits so only allowed tokens survive, with the mask ready after each accept', async () => {
    const qwen = realTokenizer('qwen3');
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'json_schema', schema: weatherSchema });
    const processor = await GrammarLogitsProcessor.create(compiled);
    const ids = qwen.encode('{"city": "Rome"}');
    for (const id of ids) {
      const logits = new Float32Array(151936);
      processor.process(logits);
      expect(logits[id]).toBe(0);
      expect(logits[151935]).toBe(-Infinity);
      const finite = logits.reduce((n, v) => n + (Number.isFinite(v) ? 1 : 0), 0);
      expect(finite).toBeGreaterThan(0);
      expect(finite).toBeLessThan(151936);
      processor.accept(id);
      await new Promise((r) => setTimeout(r, 0));
    }
    const logits = new Float32Array(151936);
    processor.process(logits);
    expect(Number.isFinite(logits[qwen.id('<|im_end|>')]!)).toBe(true);
    processor.accept(qwen.id('<|im_end|>'));
    expect(processor.isComplete()).toBe(true);
    expect(processor.stats.tokens).toBe(ids.length + 1);
    processor.dispose();
  });

  it('reads the mask synchronously when process follows accept without a pause, with the same result', async () => {
    const qwen = realTokenizer('qwen3');
    const compiled = await compileGrammar(qwen.vocabulary, { kind: 'json_schema', schema: weatherSchema });
    const fast = await GrammarLogitsProcessor.create(compiled);
    const slow = await GrammarLogitsProcessor.create(compiled);
    for (const id of qwen.encode('{"city": "a", "days": 2')) {
      const a = new Float32Array(151936);
      const b = new Float32Array(151936);
      fast.process(a);
      slow.process(b);
      expect(allowedIds(b)).toEqual(allowedIds(a));
      fast.accept(id);
      slow.accept(id);
      await fast.prefetch();
    }
    expect(() => slow.accept(qwen.encode('x')[0]!)).toThrow(/breaks the output grammar/);
  });

  it('applyTokenBitmask rules out refused tokens and logits past the vocabulary', () => {
    const logits = new Float32Array(70).fill(1);
    const mask = new Int32Array([-1, 0b101, 0]);
    applyTokenBitmask(logits, mask, 66);
    expect(logits.slice(0, 32).every((v) => v === 1)).toBe(true);
    expect([logits[32], logits[33], logits[34]]).toEqual([1, -Infinity, 1]);
    expect(logits.slice(35, 70).every((v) => v === -Infinity)).toBe(true);
  });
});
