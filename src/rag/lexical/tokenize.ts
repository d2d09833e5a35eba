/**
 * BM25 terms of a text: NFKC-normalised, lower-cased runs of letters, marks and digits, so
 * "Café", "CAFÉ" and "café" (composed or not) are one term and punctuation never is.
 * Scripts written without spaces (Chinese, Japanese, Thai, Khmer, Lao, Myanmar) are split into
 * words with Intl.Segmenter where the engine has it, else into single characters.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}\p{Pc}]*/gu;
const UNSPACED =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const MAX_TERM_LENGTH = 64;

let segmenter: Intl.Segmenter | null | undefined;
function wordSegmenter(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter =
      typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'word' }) : null;
  }
  return segmenter;
}

export function tokenize(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase();
  const terms: string[] = [];
  if (UNSPACED.test(normalised)) {
    const words = wordSegmenter();
    if (words) {
      for (const part of words.segment(normalised)) {
        if (part.isWordLike) pushWords(part.segment, terms);
      }
      return terms;
    }
  }
  pushWords(normalised, terms);
  return terms;
}

function pushWords(text: string, terms: string[]): void {
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (UNSPACED.test(word) && !wordSegmenter()) {
      // No word segmenter: index unspaced scripts character by character.
      for (const char of word) terms.push(char);
    } else if (word.length <= MAX_TERM_LENGTH) {
      terms.push(word);
    }
  }
}
