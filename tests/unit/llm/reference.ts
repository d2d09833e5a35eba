import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The PyTorch reference the fixture script saved for the tiny chat model. */
export interface ChatReference {
  vocab_size: number;
  eos_token_id: number;
  num_key_value_heads: number;
  head_dim: number;
  prompt: { messages: Array<{ role: 'user'; content: string }>; text: string; ids: number[] };
  fp32: { tokens: number[]; text: string; logits: number[][] };
  q4: { tokens: number[]; text: string; logits: number[][] };
  /** q4 with every 4-bit product's input rounded to int8 as the WASM decoder rounds it (q4's tokens fed). */
  q4_act8: { logits: number[][] };
  tokenizer: Array<{ text: string; ids: number[] }>;
  chat_template: Array<{
    name: string;
    messages: never[];
    tools: never[] | null;
    add_generation_prompt: boolean;
    text: string;
    ids: number[];
  }>;
}

export const tinyChatModelId = 'hearth-demo/tiny-llama-chat';

export function loadChatReference(): ChatReference {
  const path = resolve(import.meta.dirname, '../../fixtures/reference/tiny-llama-chat.json');
  return JSON.parse(readFileSync(path, 'utf8')) as ChatReference;
}
