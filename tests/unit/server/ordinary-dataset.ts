/** Ordinary chat datasets for the demo model: lines of 200 to 500 bytes, well within its 512-token limit. */
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

/** Writes at least `megabytes` MiB of ordinary lines to `file`. */
export function ordinaryFile(
  file: string,
  megabytes: number,
): { file: string; examples: number; bytes: number } {
  const fd = fs.openSync(file, 'w');
  let examples = 0;
  let bytes = 0;
  try {
    while (bytes < megabytes * 2 ** 20) {
      const block: string[] = [];
      for (let i = 0; i < 1000; i++) block.push(ordinaryLine(examples++));
      bytes += fs.writeSync(fd, block.join('\n') + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  return { file, examples, bytes };
}
