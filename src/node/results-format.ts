/**
 * A sweep's result rows as text (results.csv and results.jsonl, src/node/sweep.ts): one
 * definition, used by the main thread and by the worker threads, which format the rows of the
 * runs they run while they run them, so that the end of a big sweep does not format 10,000 rows
 * on one thread. A number is written as JavaScript writes it (String, the same as JSON), a
 * missing or non-finite value as an empty CSV cell and a JSON null.
 */

/** A CSV cell: numbers as written by String, strings quoted when they need it. */
export function csvCell(x: string | number | null): string {
  if (x === null) return '';
  if (typeof x === 'number') return Number.isFinite(x) ? String(x) : '';
  return /[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x;
}

/**
 * A result row's lines (without newline): results.csv's, results.jsonl's, and summary.csv's
 * for a point that has this one row (one seed), which is the row's values as mean, lo and hi,
 * and sd 0 (as `summarize` gives for one value).
 */
export interface RowText {
  csv: string;
  json: string;
  summary: string;
}

/** Formats result rows with the columns run, point, seed, the axes' paths, the metric keys. */
export class RowFormatter {
  readonly cols: string[];
  private readonly keys: string[];
  private readonly cells: string[];
  private readonly json: string[];
  constructor(
    readonly paths: string[],
    readonly metrics: string[],
  ) {
    this.cols = ['run', 'point', 'seed', ...paths, ...metrics];
    this.keys = this.cols.map((c) => `${JSON.stringify(c)}:`);
    this.cells = new Array<string>(this.cols.length);
    this.json = new Array<string>(this.cols.length);
  }

  /** The CSV header line. */
  header(): string {
    return this.cols.map(csvCell).join(',');
  }

  private put(i: number, x: number | null): void {
    if (typeof x === 'number' && Number.isFinite(x)) {
      const t = String(x);
      this.cells[i] = t;
      this.json[i] = this.keys[i] + t;
    } else {
      this.cells[i] = '';
      this.json[i] = this.keys[i] + 'null';
    }
  }

  /** The metric values of the row last formatted, as a JSON array (null where none): the
   * values of its journal line (src/node/journal.ts `journalLineOf`). */
  metricsJson(): string {
    const c = this.cells;
    let v = '[';
    for (let i = 3 + this.paths.length; i < c.length; i++)
      v += (i > 3 + this.paths.length ? ',' : '') + (c[i] === '' ? 'null' : c[i]);
    return v + ']';
  }

  /** The row's lines. */
  row(
    run: number,
    point: number,
    seed: number,
    values: ArrayLike<number>,
    metrics: ArrayLike<number | null>,
  ): RowText {
    const P = this.paths.length;
    this.put(0, run);
    this.put(1, point);
    this.put(2, seed);
    for (let i = 0; i < P; i++) this.put(3 + i, values[i]);
    for (let i = 0; i < this.metrics.length; i++) this.put(3 + P + i, metrics[i]);
    const c = this.cells;
    // summary.csv: point, the axes, n (the first metric's values), then per metric mean, sd,
    // lo, hi; a missing value gives no mean and no interval (and sd 0).
    let summary = c[1];
    for (let i = 0; i < P; i++) summary += ',' + c[3 + i];
    summary += this.metrics.length === 0 || c[3 + P] === '' ? ',0' : ',1';
    for (let i = 0; i < this.metrics.length; i++) {
      const m = c[3 + P + i];
      summary += `,${m},0,${m},${m}`;
    }
    return { csv: c.join(','), json: `{${this.json.join(',')}}`, summary };
  }
}

/**
 * Result lines as bytes: each file's lines (UTF-8, each ending in a newline) in one buffer, and
 * where each row's line ends. A sweep's threads hand their rows over this way rather than as
 * strings: a few buffers copy between threads at memory speed, where thousands of strings each
 * cost a copy and an object, and the files are written from them without encoding again.
 */
export interface RowBytes {
  /** Each row's key (a sweep thread's: the todo index of the run). */
  index: Int32Array;
  csv: Uint8Array;
  csvEnd: Int32Array;
  json: Uint8Array;
  jsonEnd: Int32Array;
  summary: Uint8Array;
  summaryEnd: Int32Array;
}

/** Lines appended to a growing buffer, and where each ends. */
class LineBytes {
  private buf = Buffer.allocUnsafe(1 << 14);
  private len = 0;
  readonly ends: number[] = [];
  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit, plus the newline.
    const need = this.len + 3 * line.length + 1;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.len += this.buf.write(line, this.len, 'utf8');
    this.buf[this.len++] = 10;
    this.ends.push(this.len);
  }
  /** The bytes written, in a buffer of their own size. */
  bytes(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.len));
  }
}

/** Collects rows' lines (RowText) as RowBytes. */
export class RowBytesWriter {
  private readonly index: number[] = [];
  private readonly csv = new LineBytes();
  private readonly json = new LineBytes();
  private readonly summary = new LineBytes();
  /** Adds a row's lines under `key`; returns the row's number here. */
  add(key: number, t: RowText): number {
    this.index.push(key);
    this.csv.push(t.csv);
    this.json.push(t.json);
    this.summary.push(t.summary);
    return this.index.length - 1;
  }
  take(): RowBytes {
    return {
      index: Int32Array.from(this.index),
      csv: this.csv.bytes(),
      csvEnd: Int32Array.from(this.csv.ends),
      json: this.json.bytes(),
      jsonEnd: Int32Array.from(this.json.ends),
      summary: this.summary.bytes(),
      summaryEnd: Int32Array.from(this.summary.ends),
    };
  }
}

/** Row `k`'s line in `file` of `b` (with its newline), as a view. */
export function rowLine(b: RowBytes, file: 'csv' | 'json' | 'summary', k: number): Uint8Array {
  const ends = file === 'csv' ? b.csvEnd : file === 'json' ? b.jsonEnd : b.summaryEnd;
  return b[file].subarray(k > 0 ? ends[k - 1] : 0, ends[k]);
}

/** A row's CSV cells from its axes on (the axes' values, then the metrics), from its CSV line:
 * every cell of a result row is a number or empty, so none holds a comma. */
export function cellsAfterSeed(csv: string): string[] {
  return csv.split(',').slice(3);
}
