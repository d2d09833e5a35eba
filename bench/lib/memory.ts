import { readdirSync, readFileSync } from 'node:fs';

/**
 * Memory of the browsers this process started: the sum of proportional set size (PSS) over every
 * Chromium process descended from `rootPid`. PSS splits pages shared between processes (the renderer
 * binary, shared memory) among them, so summing it counts each page once; resident size would count
 * shared pages once per process. Linux only (reads /proc). The one memory measure of the benches and tests.
 */
export function browserPssBytes(rootPid = process.pid, executableHint = 'chrom'): number {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readOptional(`/proc/${pid}/stat`);
    if (!stat) continue;
    // The command name is in parentheses and may hold spaces: the parent's pid is the second field after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parentOf.set(pid, Number(fields[1]));
  }
  let total = 0;
  for (const [pid] of parentOf) {
    if (!descendsFrom(pid, rootPid, parentOf)) continue;
    const command = readOptional(`/proc/${pid}/cmdline`) ?? '';
    if (!command.split('\0')[0]?.includes(executableHint)) continue;
    const rollup = readOptional(`/proc/${pid}/smaps_rollup`);
    const kib = rollup ? /^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] : undefined;
    if (kib) total += Number(kib) * 1024;
  }
  return total;
}

function descendsFrom(pid: number, ancestor: number, parentOf: Map<number, number>): boolean {
  for (let current = parentOf.get(pid), hops = 0; current !== undefined && hops < 64; hops++) {
    if (current === ancestor) return true;
    current = parentOf.get(current);
  }
  return false;
}

/** A process may exit between listing and reading: that is not an error here. */
function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Waits for the browser's memory to settle (freed pages returned), then measures: the median of `samples` readings. */
export async function settledBrowserPssBytes(samples = 5, intervalMs = 200): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    readings.push(browserPssBytes());
  }
  readings.sort((a, b) => a - b);
  return readings[Math.floor(readings.length / 2)] ?? 0;
}
