import { describe, expect, it } from 'vitest';
import type { ChatMessage, FunctionTool } from '../../../src/engines/llm/contract.ts';
import { ChatTemplate } from '../../../src/engines/llm/text/chat-template.ts';
import { loadChatTokenizer } from '../../../src/engines/llm/text/tokenizer.ts';
import { fsModelFiles } from '../../support/fs-model-files.ts';
import { qwen3TokenizerFiles } from './qwen3-files.ts';
import { loadChatReference, tinyChatModelId } from './reference.ts';

const reference = loadChatReference();

/** The fixture stores tool-call arguments as objects (Hugging Face style); OpenAI sends JSON strings. */
function openAiMessages(messages: unknown[]): ChatMessage[] {
  return (messages as Array<Record<string, unknown>>).map((message) => {
    const calls = message.tool_calls as Array<{ function: { name: string; arguments: unknown } }> | undefined;
    if (!calls) return message as unknown as ChatMessage;
    return {
      ...message,
      tool_calls: calls.map((call, i) => ({
        id: `call_${i}`,
        type: 'function' as const,
        function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments) },
      })),
    } as ChatMessage;
  });
}

describe('chat template of the tiny model (Jinja in JS vs the Python renderer)', async () => {
  const tokenizer = await loadChatTokenizer(fsModelFiles(tinyChatModelId));
  const template = new ChatTemplate(tokenizer.config);

  it.each(reference.chat_template.map((c) => [c.name, c] as const))(
    '%s renders the same text and ids',
    (_, c) => {
      const text = template.render(openAiMessages(c.messages), {
        ...(c.tools ? { tools: c.tools as unknown as FunctionTool[] } : {}),
        addGenerationPrompt: c.add_generation_prompt,
      });
      expect(text).toBe(c.text);
      expect(tokenizer.encode(text)).toEqual(c.ids);
    },
  );

  it('tokenises like the Python BPE', () => {
    for (const { text, ids } of reference.tokenizer) expect(tokenizer.encode(text), text).toEqual(ids);
  });
});

describe('chat template of the real Qwen3 tokenizer_config.json', async () => {
  const tokenizer = await loadChatTokenizer(qwen3TokenizerFiles());
  const template = new ChatTemplate(tokenizer.config, { eos_token: tokenizer.specialToken('eos_token') });
  const tool: FunctionTool = {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object' } },
  };

  it('renders tools and tool calls in its <tool_call> format', () => {
    const text = template.render(
      [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: '18°C' },
      ],
      { tools: [tool] },
    );
    expect(text).toContain('<tools>');
    expect(text).toContain('"name": "get_weather"');
    expect(text).toContain(
      '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>',
    );
    expect(text).toContain('<tool_response>\n18°C\n</tool_response>');
    expect(text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  it('knows <|im_end|> as the end of a turn', () => {
    expect(tokenizer.eosTokenIds.has(tokenizer.tokenToId('<|im_end|>')!)).toBe(true);
    expect(tokenizer.vocabType()).toBe('byte_level');
  });
});

describe('ChatTemplate errors', () => {
  it('names a missing template', () => {
    expect(() => new ChatTemplate({})).toThrow(expect.objectContaining({ code: 'MODEL_FILE_MALFORMED' }));
  });
  it('names a template that does not parse', () => {
    expect(() => new ChatTemplate({ chat_template: '{% for x in %}' })).toThrow(
      expect.objectContaining({ code: 'MODEL_FILE_MALFORMED' }),
    );
  });
  it('reports raise_exception from the template as invalid input', () => {
    const template = new ChatTemplate({
      chat_template:
        "{% if messages[0].role != 'user' %}{{ raise_exception('first message must be user') }}{% endif %}ok",
    });
    expect(() => template.render([{ role: 'system', content: 'x' }])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
