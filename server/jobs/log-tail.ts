/**
 * Reads the new complete lines of a trainer's stdout file from a byte offset. The runner stores the offset
 * with the events it derives, in one transaction, so a restart neither repeats nor loses a line.
 */
import fs from 'node:fs';

const MAX_READ = 4 * 1024 * 1024;

export function readNewLines(
  filePath: string,
  offset: number,
  final: boolean,
): { lines: string[]; offset: number } {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch {
    return { lines: [], offset };
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return { lines: [], offset };
    const length = Math.min(size - offset, MAX_READ);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, offset);
    // Only whole lines, unless the run is over (then a last line without newline counts too).
    const end = final && length === size - offset ? length : buffer.lastIndexOf(0x0a) + 1;
    if (end <= 0) return { lines: [], offset };
    const lines = buffer
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .map((line) => line.replace(/\r$/, ''))
      .filter((line) => line.trim() !== '');
    return { lines, offset: offset + end };
  } finally {
    fs.closeSync(fd);
  }
}

/** The last `bytes` of a file as text (for error messages quoting a crashed trainer's stderr). */
export function tail(filePath: string, bytes = 2000): string {
  try {
    const size = fs.statSync(filePath).size;
    const fd = fs.openSync(filePath, 'r');
    try {
      const length = Math.min(size, bytes);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8').trim();
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Every line of the file (for the final scan for the trainer's result line). */
export function allLines(filePath: string): string[] {
  try {
    return fs.readFileSync(filePath, 'utf8').split('\n');
  } catch {
    return [];
  }
}
