import { describe, expect, it } from 'vitest';
import { MarkdownBlockSplitter } from '../../../src/ui/chat/markdown/block-splitter.ts';

/** Feeds `text` in pieces of `size` characters; returns the finished blocks and the tail. */
function split(text: string, size: number) {
  const splitter = new MarkdownBlockSplitter();
  const blocks: string[] = [];
  for (let i = 0; i < text.length; i += size) blocks.push(...splitter.push(text.slice(i, i + size)));
  return { blocks, tail: splitter.tail };
}

describe('MarkdownBlockSplitter', () => {
  it('cuts at blank lines once the next block has a whole line, whatever the piece size', () => {
    const text = 'First paragraph\nstill first.\n\n# Heading\n\nLast, still open';
    for (const size of [1, 3, 7, 100]) {
      const { blocks, tail } = split(text, size);
      // The cut before "Last" waits for its line to end: it might still turn out to be a list item.
      expect(blocks).toEqual(['First paragraph\nstill first.\n\n']);
      expect(tail).toBe('# Heading\n\nLast, still open');
      expect(blocks.join('') + tail).toBe(text);
    }
  });

  it('never cuts inside a code fence, even at blank lines', () => {
    const text = 'Intro\n\n```py\ndef f():\n\n    return 1\n\n```\n\nAfter\n';
    const { blocks, tail } = split(text, 2);
    expect(blocks).toEqual(['Intro\n\n', '```py\ndef f():\n\n    return 1\n\n```\n\n']);
    expect(tail).toBe('After\n');
  });

  it('a longer fence is closed only by a fence at least as long, of the same character', () => {
    const text = '````md\n```\n\nnot closed\n~~~~\n````\n\nNext\n';
    const { blocks } = split(text, 5);
    expect(blocks).toEqual(['````md\n```\n\nnot closed\n~~~~\n````\n\n']);
  });

  it('keeps a loose list and indented continuations together', () => {
    const text = '- one\n\n- two\n\n  more of two\n\nAfter the list\n\n';
    const { blocks, tail } = split(text, 4);
    expect(blocks).toEqual(['- one\n\n- two\n\n  more of two\n\n']);
    expect(tail).toBe('After the list\n\n');
  });
});
