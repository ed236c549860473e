/**
 * A sweep's journal (`DIR/journal.jsonl`, src/node/sweep.ts): one line per completed run,
 * `{"run":i,"values":[…],"check":"…"}`, appended by whichever thread ran the run. Each thread
 * holds its own descriptor opened for appending and writes whole lines with one write per
 * batch, so lines of different threads never mix; a line cut short by a kill can only be the
 * last, and recovery cuts the journal there.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { writeAllSync } from './fs.ts';

/** FNV-1a (32 bit) of a string, as 8 hex digits: the journal lines' check. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

export const finite = (x: number | null | undefined): number | null =>
  typeof x === 'number' && Number.isFinite(x) ? x : null;

/**
 * A journal line (with its newline) for a completed run. The sweep threads write the same bytes
 * straight from a row's cells (src/node/results-format.ts `RowBytesFormatter`).
 */
export function journalLine(run: number, values: (number | null)[]): string {
  const v = JSON.stringify(values.map(finite));
  // The check is the hash of JSON.stringify([run, values]), spelled out for an integer run.
  return `{"run":${run},"values":${v},"check":"${fnv1a(`[${run},${v}]`)}"}\n`;
}

/** The run and values of a journal line (without newline), or null when it is not valid. */
export function parseJournalLine(
  line: string,
  metricCount: number,
): { run: number; values: (number | null)[] } | null {
  try {
    const o = JSON.parse(line) as { run?: unknown; values?: unknown; check?: unknown };
    if (!Number.isInteger(o.run) || !Array.isArray(o.values)) return null;
    if (o.values.length !== metricCount) return null;
    if (!o.values.every((x) => x === null || typeof x === 'number')) return null;
    if (o.check !== fnv1a(JSON.stringify([o.run, o.values]))) return null;
    return { run: o.run as number, values: o.values as (number | null)[] };
  } catch {
    return null;
  }
}

/**
 * The runs of a journal's valid complete lines up to the first bad or unterminated one (those
 * `recoverJournal` keeps), without changing the file: `good` is where the valid lines end.
 */
export function readJournal(
  path: string,
  metricCount: number,
  allowed: Set<number>,
): { done: Map<number, (number | null)[]>; good: number; size: number } {
  const done = new Map<number, (number | null)[]>();
  if (!existsSync(path)) return { done, good: 0, size: 0 };
  const buf = readFileSync(path);
  let start = 0;
  let good = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break; // the last line was cut short
    const parsed = parseJournalLine(buf.toString('utf8', start, nl), metricCount);
    if (!parsed) break;
    if (allowed.has(parsed.run) && !done.has(parsed.run)) done.set(parsed.run, parsed.values);
    start = nl + 1;
    good = start;
  }
  return { done, good, size: buf.length };
}

/**
 * Reads the journal: the valid complete lines up to the first bad or unterminated one, which
 * is cut off (with everything after it) so appends continue from a clean line end. Runs outside
 * `allowed` or seen before are ignored.
 */
export function recoverJournal(
  path: string,
  metricCount: number,
  allowed: Set<number>,
): Map<number, (number | null)[]> {
  const { done, good, size } = readJournal(path, metricCount, allowed);
  if (good < size) {
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, good);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return done;
}

/**
 * An append-only journal: lines written at once, never flushed here: the sweep's main thread
 * flushes the file for every thread that appends to it (an fsync flushes the file, whichever
 * descriptor wrote it), so the threads that run the runs never wait on the disk.
 */
export class Journal {
  readonly fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }
  /** Appends whole lines (text, or their UTF-8 bytes). */
  append(lines: string | Uint8Array): void {
    writeAllSync(this.fd, lines);
  }
  close(): void {
    closeSync(this.fd);
  }
}
