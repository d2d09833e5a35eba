import { describe, expect, it } from 'vitest';
import { BlockSplitter, type TextBlock } from '../../../src/rag/ingest/blocks.ts';
import { chunkBlocks, type Chunk } from '../../../src/rag/ingest/chunker.ts';
import { HtmlTextExtractor } from '../../../src/rag/ingest/html-text.ts';
import { HashedEmbedder } from './hashed-embedder.ts';

const embedder = new HashedEmbedder();

async function chunk(
  text: string,
  maxTokens: number,
  overlapTokens: number,
  markdown = true,
  pieceSize = 7,
): Promise<Chunk[]> {
  async function* blocks(): AsyncGenerator<TextBlock> {
    const splitter = new BlockSplitter(markdown);
    // Fed in small pieces, as a stream would deliver it.
    for (let i = 0; i < text.length; i += pieceSize) yield* splitter.push(text.slice(i, i + pieceSize));
    yield* splitter.end();
  }
  const chunks: Chunk[] = [];
  for await (const c of chunkBlocks(blocks(), {
    maxTokens,
    overlapTokens,
    countTokens: (t) => embedder.countTokens(t),
  }))
    chunks.push(c);
  return chunks;
}

const markdown = `# Manual

Intro paragraph one. It has two sentences.

## Install

Step one: download. Step two: run it.

\`\`\`sh
# not a heading
npm start
\`\`\`

## Use

${Array.from({ length: 40 }, (_, i) => `Sentence number ${i} about usage.`).join(' ')}

# Appendix

Last words.`;

describe('chunker', () => {
  it('follows headings, keeps offsets exact and stays within the token budget', async () => {
    const chunks = await chunk(markdown, 40, 8);
    for (const c of chunks) {
      expect(c.text).toBe(markdown.slice(c.start, c.end));
      expect((await embedder.countTokens([c.text]))[0]).toBeLessThanOrEqual(40 + 2);
    }
    expect(chunks.map((c) => c.headingPath.join(' > '))).toContain('Manual > Install');
    const install = chunks.find((c) => c.headingPath.join() === 'Manual,Install')!;
    expect(install.text).toContain('# not a heading');
    expect(chunks.at(-1)!.headingPath).toEqual(['Appendix']);
    // No chunk crosses from one section into another.
    expect(chunks.some((c) => c.text.includes('Step two') && c.text.includes('usage'))).toBe(false);
    expect(chunks.map((c) => c.seq)).toEqual(chunks.map((_, i) => i));
  });

  it('cuts a long paragraph at sentences and overlaps consecutive chunks', async () => {
    const chunks = (await chunk(markdown, 40, 8)).filter((c) => c.headingPath.join() === 'Manual,Use');
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.start).toBeLessThan(chunks[i - 1]!.end); // overlap
      expect(chunks[i]!.start).toBeGreaterThan(chunks[i - 1]!.start);
      expect(chunks[i]!.text.startsWith('Sentence number')).toBe(true); // cut at a sentence
    }
  });

  it('cuts text with no sentence ends at words, and gives the same chunks whatever the stream pieces', async () => {
    const words = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    const a = await chunk(words, 50, 0, false, 3);
    const b = await chunk(words, 50, 0, false, 10_000);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThanOrEqual(10);
    expect(a.map((c) => c.text).join('')).toBe(words); // no overlap: the chunks tile the text
  });

  it('keeps chunk text equal to the source for very long lines and CRLF line ends', async () => {
    const longLine = Array.from({ length: 8000 }, (_, i) => `w${i}`).join(' '); // ~45 KB, no newline
    const crlf = 'first line\r\nsecond line\r\n\r\n# Title\r\n\r\nbody text here\r\n';
    for (const source of [longLine, crlf, `${crlf}${longLine}\n\nlast`]) {
      for (const pieceSize of [5, 4096, 1_000_000]) {
        const chunks = await chunk(source, 64, 0, true, pieceSize);
        expect(chunks.length).toBeGreaterThan(0);
        for (const c of chunks) expect(c.text).toBe(source.slice(c.start, c.end));
      }
    }
    const titled = await chunk(crlf, 64, 0);
    expect(titled.at(-1)!.headingPath).toEqual(['Title']);
  });
});

describe('HtmlTextExtractor', () => {
  const html = `<!doctype html><html><head><title>Page &amp; title</title><style>p{color:red}</style>
<script>var x = "<p>not text</p>";</script></head>
<body><h1>Main   heading</h1><p>First &lt;para&gt; with <b>bold</b>&nbsp;text.</p>
<!-- a comment <p>hidden</p> --><div>Second<br>line &#8212; &#x263A;</div>
<noscript>enable js</noscript><h2>Sub</h2><ul><li>one</li><li>two</li></ul></body></html>`;

  function extract(pieceSize: number) {
    const extractor = new HtmlTextExtractor();
    let out = '';
    for (let i = 0; i < html.length; i += pieceSize) out += extractor.push(html.slice(i, i + pieceSize));
    return { text: out + extractor.end(), title: extractor.title };
  }

  it('keeps the text, drops scripts, styles and comments, and writes headings as Markdown', () => {
    const { text, title } = extract(100_000);
    expect(title).toBe('Page & title');
    expect(text).not.toMatch(/color|not text|hidden|enable js|<p>|<b>|var x/);
    expect(text).toContain('# Main heading');
    expect(text).toContain('First <para> with bold\u00a0text.'.replace('\u00a0', ' '));
    expect(text).toContain('Second\nline — ☺');
    expect(text).toContain('## Sub');
    expect(text).toMatch(/one\s+two/);
  });

  it('gives the same text however the HTML is split into pieces', () => {
    const whole = extract(100_000).text;
    for (const size of [1, 2, 5, 13]) expect(extract(size).text).toBe(whole);
  });
});
