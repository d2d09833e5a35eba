import type { ChatMessage } from '../../src/engines/llm/contract.ts';
import type { ChatTemplate } from '../../src/engines/llm/text/chat-template.ts';
import type { ChatTokenizer } from '../../src/engines/llm/text/tokenizer.ts';

/** Plain English text to build prompts from (the project's own words). */
const TEXT =
  'Hearth is a browser-first agent runtime. It runs language models and embedding models directly in the ' +
  'browser, on WebGPU when the device has a good graphics card and on WebAssembly when it does not. Nothing ' +
  'leaves the machine unless the user asks for it. The chat model writes text one token at a time. It keeps a ' +
  'cache of keys and values for every layer, so each new token only needs one small step. ';

export interface PromptTools {
  tokenizer: ChatTokenizer;
  template: ChatTemplate;
}

export function promptIds({ tokenizer, template }: PromptTools, messages: ChatMessage[]): number[] {
  return tokenizer.encode(template.render(messages, { addGenerationPrompt: true }));
}

/**
 * One user message whose rendered prompt has exactly `tokens` tokens (or the closest count below it
 * when no prefix of the text lands exactly), with a tag up front so no two prompts share a prefix
 * beyond the template's first tokens.
 */
export function promptOfLength(tools: PromptTools, tokens: number, tag: string): ChatMessage[] {
  const source = `[${tag}] ` + TEXT.repeat(Math.ceil((tokens * 8) / TEXT.length) + 1);
  let low = 1;
  let high = source.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (promptIds(tools, [{ role: 'user', content: source.slice(0, mid) }]).length <= tokens) low = mid;
    else high = mid - 1;
  }
  return [{ role: 'user', content: source.slice(0, low) }];
}

/**
 * A conversation of several turns ending with a user question, whose prompt has exactly `tokens`
 * tokens (or the closest count below): whole turns first, then the last question is lengthened.
 */
export function historyOfLength(tools: PromptTools, tokens: number, tag: string): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: `Session ${tag}. Answer briefly.` }];
  for (let turn = 0; ; turn++) {
    const next: ChatMessage[] = [
      ...messages,
      { role: 'user', content: `Question ${turn}: ${TEXT.slice(0, 160)}` },
      { role: 'assistant', content: TEXT.slice(160, 420) },
    ];
    if (promptIds(tools, [...next, { role: 'user', content: 'And then?' }]).length > tokens) break;
    messages.splice(0, messages.length, ...next);
  }
  const filler = TEXT.repeat(4);
  let low = 0;
  let high = filler.length;
  const withQuestion = (length: number): ChatMessage[] => [
    ...messages,
    { role: 'user', content: `And then? ${filler.slice(0, length)}`.trim() },
  ];
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (promptIds(tools, withQuestion(mid)).length <= tokens) low = mid;
    else high = mid - 1;
  }
  return withQuestion(low);
}
