import { describe, expect, it } from 'vitest';
import { isHearthError } from '../../../src/core/errors.ts';
import type { ChatCompletionRequest } from '../../../src/engines/llm/contract.ts';
import type { HookContext } from '../../../src/engines/llm/generation/plan.ts';
import { GrammarLogitsProcessor } from '../../../src/engines/llm/grammar/index.ts';
import { detectToolCallFormat, toolHooksFactory } from '../../../src/engines/llm/tools/index.ts';
import { realTokenizer } from './real-vocabularies.ts';

const qwen = realTokenizer('qwen3');
const context: HookContext = {
  vocabulary: () => {
    throw new Error('the factory was given a vocabulary and must use it');
  },
  vocabType: () => 'byte_level',
  eosTokenIds: new Set([qwen.id('<|im_end|>')]),
  encode: (text) => qwen.encode(text),
  decode: () => '',
};
const messages: ChatCompletionRequest['messages'] = [{ role: 'user', content: 'hi' }];
const tools: ChatCompletionRequest['tools'] = [
  { type: 'function', function: { name: 'ping', parameters: { type: 'object', properties: {} } } },
];

describe('toolHooksFactory', () => {
  const factory = toolHooksFactory({
    modelId: 'qwen3',
    toolFormat: detectToolCallFormat(qwen.config.chat_template),
    constrain: true,
    vocabulary: qwen.vocabulary,
  });

  it('adds nothing to a plain request', async () => {
    expect(await factory({ messages }, context)).toEqual({});
  });

  it('tools: the format parser and a grammar processor; tool_choice none: no parser, the call opener masked', async () => {
    const hooks = await factory({ messages, tools, tool_choice: 'required' }, context);
    expect(hooks.outputParser).toBeDefined();
    expect(hooks.logitsProcessor).toBeInstanceOf(GrammarLogitsProcessor);
    hooks.logitsProcessor!.dispose();

    const none = await factory({ messages, tools, tool_choice: 'none' }, context);
    expect(none.outputParser).toBeUndefined();
    const logits = new Float32Array(qwen.vocabulary.vocabSize).fill(1);
    none.logitsProcessor!.process(logits);
    const opener = qwen.id('<tool_call>');
    expect(logits[opener]).toBe(-Infinity);
    expect(logits.filter((value) => value === -Infinity)).toHaveLength(1);
    // Without tools there is nothing to mask.
    expect(await factory({ messages, tool_choice: 'none' }, context)).toEqual({});
  });

  it('a backend without logits processors gets the parser only', async () => {
    const parserOnly = toolHooksFactory({
      modelId: 'qwen3',
      toolFormat: detectToolCallFormat(qwen.config.chat_template),
      constrain: false,
    });
    const hooks = await parserOnly({ messages, tools, response_format: { type: 'json_object' } }, context);
    expect(hooks.outputParser).toBeDefined();
    expect(hooks.logitsProcessor).toBeUndefined();
  });

  it('tools on a model whose template has none: TOOLS_UNSUPPORTED before anything runs', async () => {
    const noTools = toolHooksFactory({ modelId: 'gemma', toolFormat: undefined, constrain: true });
    const error = await Promise.resolve(noTools({ messages, tools }, context)).catch((e: unknown) => e);
    expect(isHearthError(error, 'TOOLS_UNSUPPORTED')).toBe(true);
  });

  it('without tokenizer.json, special tokens are found through the decoder and kept out of the text', async () => {
    const fromContext = toolHooksFactory({
      modelId: 'qwen3-context',
      toolFormat: detectToolCallFormat(qwen.config.chat_template),
      constrain: true,
    });
    const vocabulary: string[] = [];
    for (const [token, id] of qwen.tokenizer.get_vocab(true)) vocabulary[id] = token;
    const realContext: HookContext = {
      ...context,
      vocabulary: () => vocabulary,
      decode: (ids) => qwen.tokenizer.decode(ids, { skip_special_tokens: true }),
    };
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const json = await fromContext(
      { messages, response_format: { type: 'json_schema', json_schema: { name: 's', schema } } },
      realContext,
    );
    const processor = json.logitsProcessor as GrammarLogitsProcessor;
    for (const id of qwen.encode('{"city": "a')) {
      processor.process(new Float32Array(vocabulary.length));
      processor.accept(id);
      await processor.prefetch();
    }
    const logits = new Float32Array(vocabulary.length);
    processor.process(logits);
    expect(Number.isFinite(logits[qwen.encode('b')[0]!]!)).toBe(true);
    expect(logits[qwen.id('<|im_start|>')]).toBe(-Infinity);
    processor.dispose();

    const call = await fromContext({ messages, tools, tool_choice: 'required' }, realContext);
    const first = new Float32Array(vocabulary.length);
    call.logitsProcessor!.process(first);
    expect(Number.isFinite(first[qwen.id('<tool_call>')]!)).toBe(true);
    call.logitsProcessor!.dispose();
  });
});
