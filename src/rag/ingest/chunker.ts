import { throwIfAborted } from '../../core/errors.ts';
import type { ChunkRecord } from '../types.ts';
import type { TextBlock } from './blocks.ts';

/** A chunk as the chunker makes it: a stored chunk before it belongs to a document revision. */
export type Chunk = Omit<ChunkRecord, 'documentId' | 'revision'>;

export interface ChunkerOptions {
  /** Most tokens in a chunk, special tokens included (at most the embedder's limit). */
  maxTokens: number;
  /** Tokens of the previous chunk's tail repeated at the start of the next one. */
  overlapTokens: number;
  /** The embedder's tokenizer (`Embedder.countTokens`); counts include special tokens. */
  countTokens: (texts: string[]) => Promise<number[]>;
  signal?: AbortSignal;
}

interface Unit {
  text: string;
  start: number;
  end: number;
  /** Tokens without the special tokens every count includes. */
  tokens: number;
  heading: boolean;
  /** The document's text between the previous unit and this one ('' inside a block). */
  gapBefore: string;
}

const BATCH_BLOCKS = 64;
const SENTENCE_END = /(?<=[.!?。！？])\s+/gu;

/**
 * Packs blocks into chunks of at most `maxTokens` tokens. A chunk never spans two sections (a
 * heading starts a new chunk), paragraphs are kept whole where they fit, longer ones are cut at
 * sentence and then word boundaries, and consecutive chunks of a section overlap. Chunk text is
 * the document's own text between the chunk's offsets.
 */
export async function* chunkBlocks(
  blocks: AsyncIterable<TextBlock>,
  options: ChunkerOptions,
): AsyncGenerator<Chunk> {
  const [specials = 0] = await options.countTokens(['']);
  const budget = Math.max(8, options.maxTokens - specials);
  const count = async (texts: string[]) =>
    (await options.countTokens(texts)).map((n) => Math.max(0, n - specials));
  const headings: { level: number; title: string }[] = [];
  let current: Unit[] = [];
  let currentTokens = 0;
  let currentPath: string[] = [];
  let seq = 0;

  const emit = (): Chunk | null => {
    if (!current.some((unit) => !unit.heading)) return null;
    const chunk = toChunk(current, seq++, currentPath, currentTokens + specials);
    // Overlap: carry the tail of this chunk's paragraphs into the next chunk.
    const tail: Unit[] = [];
    let tailTokens = 0;
    for (let i = current.length - 1; i > 0; i--) {
      const unit = current[i]!;
      if (unit.heading || tailTokens + unit.tokens > options.overlapTokens) break;
      tail.unshift(unit);
      tailTokens += unit.tokens;
    }
    current = tail;
    currentTokens = tailTokens;
    return chunk;
  };

  let batch: TextBlock[] = [];
  const processBatch = async function* (): AsyncGenerator<Chunk> {
    throwIfAborted(options.signal);
    const counts = await count(batch.map((block) => block.text));
    for (const [i, block] of batch.entries()) {
      if (block.kind === 'heading') {
        const chunk = emit();
        if (chunk) yield chunk;
        if (current.length > 0 && current.every((unit) => !unit.heading)) {
          current = [];
          currentTokens = 0;
        }
        while (headings.length > 0 && headings[headings.length - 1]!.level >= block.level) headings.pop();
        headings.push({ level: block.level, title: block.title });
        currentPath = headings.map((heading) => heading.title);
      }
      const units =
        counts[i]! <= budget
          ? [
              {
                text: block.text,
                start: block.start,
                end: block.end,
                tokens: counts[i]!,
                heading: block.kind === 'heading',
                gapBefore: block.gapBefore,
              },
            ]
          : await splitLong(block, budget, count);
      for (const unit of units) {
        if (currentTokens + unit.tokens > budget && current.some((u) => !u.heading)) {
          const chunk = emit();
          if (chunk) yield chunk;
          // If the overlap and this unit do not fit together, drop the overlap.
          if (currentTokens + unit.tokens > budget) {
            current = [];
            currentTokens = 0;
          }
        }
        current.push(unit);
        currentTokens += unit.tokens;
      }
    }
    batch = [];
  };

  for await (const block of blocks) {
    batch.push(block);
    if (batch.length >= BATCH_BLOCKS) yield* processBatch();
  }
  if (batch.length > 0) yield* processBatch();
  const last = emit();
  if (last) yield last;
}

function toChunk(units: Unit[], seq: number, headingPath: string[], tokenCount: number): Chunk {
  const first = units[0]!;
  let text = first.text;
  for (let i = 1; i < units.length; i++) {
    const unit = units[i]!;
    const previous = units[i - 1]!;
    text += unit.start === previous.end ? '' : unit.gapBefore;
    text += unit.text;
  }
  return {
    seq,
    text,
    start: first.start,
    end: units[units.length - 1]!.end,
    headingPath: [...headingPath],
    tokenCount,
  };
}

/** Cuts an over-long block at sentence ends, then at spaces, into units within the budget. */
async function splitLong(
  block: TextBlock,
  budget: number,
  count: (texts: string[]) => Promise<number[]>,
): Promise<Unit[]> {
  const pieces = cutAt(block.text, block.start, SENTENCE_END);
  const counts = await count(pieces.map((piece) => piece.text));
  const units: Unit[] = [];
  for (const [i, piece] of pieces.entries()) {
    if (counts[i]! <= budget) units.push({ ...piece, tokens: counts[i]!, heading: false, gapBefore: '' });
    else units.push(...(await splitByWords(piece, budget, counts[i]!, count)));
  }
  // Pieces of one block are contiguous; only the first follows the gap before the block.
  if (units[0]) units[0].gapBefore = block.gapBefore;
  return units;
}

async function splitByWords(
  piece: { text: string; start: number; end: number },
  budget: number,
  tokens: number,
  count: (texts: string[]) => Promise<number[]>,
): Promise<Unit[]> {
  const words = cutAt(piece.text, piece.start, /(?<=\s)(?=\S)/gu);
  // Aim below the budget from the words-per-token ratio, then halve any group still too long.
  const perGroup = Math.max(1, Math.floor((words.length * budget * 0.8) / tokens));
  const groups: { text: string; start: number; end: number }[] = [];
  for (let i = 0; i < words.length; i += perGroup) {
    const slice = words.slice(i, i + perGroup);
    groups.push({
      text: slice.map((w) => w.text).join(''),
      start: slice[0]!.start,
      end: slice[slice.length - 1]!.end,
    });
  }
  const counts = await count(groups.map((group) => group.text));
  const units: Unit[] = [];
  for (const [i, group] of groups.entries()) {
    if (counts[i]! <= budget || group.text.length <= 1) {
      units.push({ ...group, tokens: Math.min(counts[i]!, budget), heading: false, gapBefore: '' });
    } else if (perGroup > 1 || group.text.length > 1) {
      // A single "word" longer than the budget (a URL, junk): cut it by characters.
      const half = Math.ceil(group.text.length / 2);
      const left = { text: group.text.slice(0, half), start: group.start, end: group.start + half };
      const right = { text: group.text.slice(half), start: group.start + half, end: group.end };
      for (const part of [left, right])
        units.push(...(await splitByWords(part, budget, counts[i]! / 2 + 1, count)));
    }
  }
  return units;
}

function cutAt(
  text: string,
  offset: number,
  boundary: RegExp,
): { text: string; start: number; end: number }[] {
  const pieces: { text: string; start: number; end: number }[] = [];
  let from = 0;
  for (const match of text.matchAll(boundary)) {
    const to = match.index! + match[0].length;
    if (to > from) pieces.push({ text: text.slice(from, to), start: offset + from, end: offset + to });
    from = to;
  }
  if (from < text.length)
    pieces.push({ text: text.slice(from), start: offset + from, end: offset + text.length });
  return pieces;
}
