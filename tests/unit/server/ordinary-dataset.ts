/**
 * Chat datasets for the demo model (a 512-token limit): ordinary lines of 200 to 500 bytes, which their byte
 * length alone proves to fit, and wordy lines of 1.1 to 1.4 kB, which have more bytes than the limit but fewer
 * tokens, so validation must count their tokens.
 */
import fs from 'node:fs';

const WORDS = 'the quick brown fox jumps over a lazy dog while Hearth answers questions about adapters'.split(
  ' ',
);

export function ordinaryLine(i: number): string {
  const sentence = (n: number) =>
    Array.from({ length: n }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You are Hearth, a helpful assistant.' },
      { role: 'user', content: `Question ${i}: ${sentence(5 + (i % 15))}?` },
      { role: 'assistant', content: `Answer ${i}: ${sentence(8 + (i % 20))}.` },
    ],
  });
}

/** A line of 90 to 109 words a message: about 1.2 kB and 400 to 470 tokens of the demo model. */
export function wordyLine(i: number): string {
  const sentence = (n: number, shift: number) =>
    Array.from({ length: n }, (_, k) => WORDS[(i * shift + k * 3) % WORDS.length]).join(' ');
  return JSON.stringify({
    messages: [
      { role: 'user', content: sentence(90 + (i % 20), 7) },
      { role: 'assistant', content: sentence(90 + ((i * 3) % 20), 5) },
    ],
  });
}

/** Writes at least `megabytes` MiB of ordinary lines (or of `line(i)`) to `file`. */
export function ordinaryFile(
  file: string,
  megabytes: number,
  line: (i: number) => string = ordinaryLine,
): { file: string; examples: number; bytes: number } {
  const fd = fs.openSync(file, 'w');
  let examples = 0;
  let bytes = 0;
  try {
    while (bytes < megabytes * 2 ** 20) {
      const block: string[] = [];
      for (let i = 0; i < 1000; i++) block.push(line(examples++));
      bytes += fs.writeSync(fd, block.join('\n') + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  return { file, examples, bytes };
}

/** A 50 MB line of non-JSON (past the 1 MiB line cap 50 times over), then `after` ordinary lines. */
export function longLineFile(file: string, after = 10): { file: string; examples: number } {
  const fd = fs.openSync(file, 'w');
  try {
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, '\n');
    for (let i = 0; i < after; i++) fs.writeSync(fd, ordinaryLine(i) + '\n');
  } finally {
    fs.closeSync(fd);
  }
  return { file, examples: after };
}
