import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChatMessage } from '../../../src/engines/llm/contract.ts';

const fixtures = resolve(import.meta.dirname, '../../fixtures');

/** The PyTorch reference of base and base+adapter logits over one four-turn conversation. */
export interface LoraReference {
  conversation: Array<{ turn: number; adapter: string | null; messages: ChatMessage[]; ids: number[] }>;
  base: number[][];
  adapters: Record<string, { logits: number[][]; r: number; target_modules: string[] }>;
}

export function loadLoraReference(): LoraReference {
  return JSON.parse(readFileSync(`${fixtures}/reference/tiny-llama-chat-lora.json`, 'utf8')) as LoraReference;
}

/** An adapter's two PEFT files as bytes, as they arrive from a download. */
export function fixtureAdapterFiles(name: string): { config: Uint8Array; weights: Uint8Array } {
  return {
    config: new Uint8Array(readFileSync(`${fixtures}/adapters/${name}/adapter_config.json`)),
    weights: new Uint8Array(readFileSync(`${fixtures}/adapters/${name}/adapter_model.safetensors`)),
  };
}
