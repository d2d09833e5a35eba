/**
 * Everything that changes the KV values of a token sequence. Two requests may share cached KV
 * only when every field is equal; adapters carry a version so a retrained adapter never reuses
 * values computed with the old weights.
 */
export interface CacheKey {
  modelId: string;
  revision: string;
  dtype: string;
  device: string;
  /** `name@version`, or null for the base model. */
  adapter: string | null;
}

export function cacheKeyString(key: CacheKey): string {
  return JSON.stringify([key.modelId, key.revision, key.dtype, key.device, key.adapter]);
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export interface ReusePlan {
  /** Cached positions to keep (the KV cache is cut to this length). */
  keep: number;
  /** Prompt tokens still to prefill (at least one: the last prompt token's logits are needed). */
  prefill: number[];
}

/**
 * Bookkeeping for one KV-cache slot (one conversation at a time, as a local engine serves one
 * user): which tokens the cached KV values belong to, under which key.
 */
export class PrefixCache {
  private key: string | null = null;
  private cachedTokens: number[] = [];

  /** Tokens whose KV values are currently held. */
  get tokens(): readonly number[] {
    return this.cachedTokens;
  }

  /** The tokens held under `key` (none under another key). */
  tokensFor(key: CacheKey): readonly number[] {
    return this.key === cacheKeyString(key) ? this.cachedTokens : [];
  }

  /** How much of the held KV serves `promptIds`; nothing when the key differs. */
  plan(key: CacheKey, promptIds: readonly number[]): ReusePlan {
    const sameKey = this.key === cacheKeyString(key);
    const shared = sameKey ? commonPrefixLength(this.cachedTokens, promptIds) : 0;
    const keep = Math.min(shared, promptIds.length - 1);
    return { keep: Math.max(0, keep), prefill: promptIds.slice(Math.max(0, keep)) };
  }

  /** Records that the KV now holds exactly `tokens`, computed under `key`. */
  commit(key: CacheKey, tokens: readonly number[]): void {
    this.key = cacheKeyString(key);
    this.cachedTokens = [...tokens];
  }

  /** After a failure or an unload the KV values are unknown: reuse nothing. */
  clear(): void {
    this.key = null;
    this.cachedTokens = [];
  }
}

export interface ExactTokenizer {
  encode(text: string): number[];
  decodeExact(ids: number[]): string | undefined;
}

/**
 * Tokenizes a prompt so that it starts with the cached tokens wherever they spell its start. A
 * model may write a text with other tokens than the tokenizer would choose for it (constrained
 * decoding often does: `wea`+`ther` where encoding gives `we`+`ather`); the chat template then
 * renders that turn as the same text, but encoding it afresh would give other ids from the first
 * such token on, and the cache would serve nothing after it. Keeping the model's own tokens for the
 * text they spell leaves the prompt's text unchanged and lets the next turn prefill only what is
 * new. A few trailing tokens may be dropped to reach a whole character.
 */
export function encodeAfterCached(
  text: string,
  cached: readonly number[],
  tokenizer: ExactTokenizer,
): number[] {
  for (let trim = 0; trim <= 4 && trim < cached.length; trim++) {
    const ids = cached.slice(0, cached.length - trim);
    const prefix = tokenizer.decodeExact(ids);
    if (prefix === undefined) break; // not a byte-level tokenizer: decoding may not be exact
    if (prefix.length === 0 || prefix.includes('\uFFFD')) continue;
    if (text.startsWith(prefix)) return [...ids, ...tokenizer.encode(text.slice(prefix.length))];
  }
  return tokenizer.encode(text);
}
