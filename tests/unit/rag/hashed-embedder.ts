import type { Embedder, EmbedderInfo, EmbedOptions } from '../../../src/engines/embed/contract.ts';

/**
 * A deterministic stand-in for the embedding model in RAG tests: hashed bag-of-words vectors
 * (texts sharing words are similar) and a word-count "tokenizer" with two special tokens.
 */
export class HashedEmbedder implements Embedder {
  embedCalls = 0;
  /** Throws from the embed call with this number (1-based), to simulate a failure mid-ingest. */
  failOnCall: number | null = null;

  constructor(
    readonly dimensions = 64,
    readonly modelId = 'hearth-test/hashed-bow',
    readonly revision = '1',
  ) {}

  async info(): Promise<EmbedderInfo> {
    return {
      modelId: this.modelId,
      revision: this.revision,
      dimensions: this.dimensions,
      maxTokens: 512,
      device: 'wasm',
      deviceReason: 'test embedder',
    };
  }

  async countTokens(texts: string[]): Promise<number[]> {
    return texts.map((text) => words(text).length + 2);
  }

  async embed(texts: string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.embedCalls++;
    if (this.failOnCall !== null && this.embedCalls >= this.failOnCall)
      throw new Error('embedder failed (test)');
    options?.signal?.throwIfAborted();
    return texts.map((text) => hashedVector(text, this.dimensions));
  }
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function hashedVector(text: string, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (const word of words(text)) {
    let hash = 2166136261;
    for (let i = 0; i < word.length; i++) hash = Math.imul(hash ^ word.charCodeAt(i), 16777619) >>> 0;
    vector[hash % dimensions]! += hash & 0x80000000 ? -1 : 1;
  }
  let norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    norm = 1;
  }
  return vector.map((value) => value / norm);
}
