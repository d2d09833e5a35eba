import { describe, expect, it } from 'vitest';
import { loadOrtChatEngine } from '../../../src/engines/llm/onnx-decoder/ort-chat-engine.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { runParity } from './parity-run.ts';
import { loadChatReference, tinyChatModelId } from './reference.ts';

const reference = loadChatReference();

describe.each(['fp32', 'q4'] as const)('ORT decoder on WASM in Node matches PyTorch (%s)', (dtype) => {
  it('prefill and every decode step: logits within 1e-4, same argmax', async () => {
    const result = await runParity(fsModelFiles(tinyChatModelId), reference, dtype, {
      device: 'wasm',
      threads: 1,
    });
    expect(result.maxDiffs).toHaveLength(reference[dtype].logits.length);
    // The reference is rounded to 6 significant digits: 1e-4 absolute covers that on logits below ~100.
    for (const diff of result.maxDiffs) expect(diff).toBeLessThan(1e-4);
    expect(result.argmaxMismatches).toEqual([]);
  });

  it('greedy chat completion gives the reference tokens', async () => {
    const engine = await loadOrtChatEngine(fsModelFiles(tinyChatModelId), {
      device: 'wasm',
      dtype,
      threads: 1,
    });
    const completion = await engine.create({
      messages: reference.prompt.messages,
      temperature: 0,
      max_tokens: reference[dtype].tokens.length,
    });
    const expected = reference[dtype];
    const eosAt = expected.tokens.findIndex((id) => id === reference.eos_token_id);
    const expectedText = expected.text.replace(/<\|im_end\|>[\s\S]*$/, '');
    expect(completion.choices[0]!.message.content).toBe(expectedText);
    expect(completion.usage.completion_tokens).toBe(eosAt === -1 ? expected.tokens.length : eosAt + 1);
    expect(completion.choices[0]!.finish_reason).toBe(eosAt === -1 ? 'length' : 'stop');
    await engine.unload();
  });
});
